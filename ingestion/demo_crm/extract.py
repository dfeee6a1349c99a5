"""As-of extract of one block: what the CRM shows at the end of ``as_of`` (UTC).

Only events strictly before the cutoff (``as_of + 1 day`` at 00:00 UTC) are visible; a
deal's current state is the state of its last stage entry before the cutoff; the mess
thresholds of ``mess_rate`` are applied here. Produces the block's rows of accounts,
contacts, leads, deals, deal_stage_history, activities, email_events, subscriptions and
csat_surveys as Arrow tables with the contract schemas.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.demo_crm import columns as col
from ingestion.demo_crm.accounts import Contacts
from ingestion.demo_crm.block import Block, to_us
from ingestion.demo_crm.catalog import (
    ACCOUNT_CORES,
    ACCOUNT_PREFIXES,
    ACCOUNT_SUFFIXES,
    ACTIVITY_TYPES,
    ADDON_PLAN,
    COMPETITORS,
    COUNTRY_CODES,
    COUNTRY_REGION,
    CURRENCIES,
    EMAIL_EVENT_TYPES,
    FIRST_NAMES,
    FORECAST_CATEGORIES,
    INDUSTRIES,
    LAST_NAMES,
    LEAD_SOURCES,
    LEAD_STATUSES,
    LOSS_REASONS,
    PIPELINES,
    PRODUCTS,
    REGIONS,
    SEGMENT_PLANS,
    SEGMENTS,
    STAGE_IDS,
    STAGE_IS_CLOSED,
    STAGE_IS_FIRST,
    STAGE_IS_WON,
    STAGE_PROBABILITY,
    TITLES,
    forecast_category_codes,
)
from ingestion.demo_crm.config import US_PER_DAY, DemoCrmConfig
from ingestion.demo_crm.mess import AMOUNT_NULL_FACTOR
from ingestion.demo_crm.world import World

BLOCK_ID_SPAN = 10_000_000  # per-block id space of activities, emails, contacts, ...
BLOCK_TABLES: tuple[str, ...] = (
    "accounts",
    "contacts",
    "leads",
    "deals",
    "deal_stage_history",
    "activities",
    "email_events",
    "subscriptions",
    "csat_surveys",
)


def block_tables(
    world: World,
    blk: Block,
    config: DemoCrmConfig,
    timings: dict[str, float] | None = None,
    since: datetime | None = None,
) -> dict[str, pa.Table]:
    """Every per-block table of ``blk`` as of ``config.extract_date``.

    With ``since``, only the rows new or changed at or after it, by the change columns of
    ``source.CHANGE_COLUMNS`` (a deal with all its versions): the same rows as
    ``source.changed_rows`` of the whole extract, selected before any string column is
    built (tests/test_demo_crm.py holds the two equal). ``timings``, if given, accumulates
    the seconds spent extracting each table.
    """
    ex = _BlockExtract(world, blk, config, since)
    out = {}
    for name in BLOCK_TABLES:
        start = time.perf_counter()
        out[name] = getattr(ex, _METHOD.get(name, name))()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
    return out


_METHOD = {"deal_stage_history": "history", "csat_surveys": "csat"}


NO_TIME = np.iinfo(np.int64).min
"""A null change time: before any ``since``."""


def _epoch_us(instant: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (a naive one is UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _local_ids(prefix: str, block: int, rows: np.ndarray) -> pa.Array:
    """Ids of the block-local rows ``rows`` (indices into the block's generated rows)."""
    return col.ids(prefix, block * BLOCK_ID_SPAN + np.asarray(rows, dtype=np.int64), 12)


class _BlockExtract:
    def __init__(
        self, world: World, blk: Block, config: DemoCrmConfig, since: datetime | None = None
    ):
        self.world, self.blk, self.cfg = world, blk, config
        self.cutoff = config.cutoff_us
        self.since_us = None if since is None else _epoch_us(since)
        self.day = config.extract_epoch_day - config.start_epoch_day  # extract day offset
        self.rate = config.mess_rate
        b = blk.index
        layout = world.layout
        acc = blk.accounts
        self.account_ids = col.ids("acc-", layout.account_offset[b] + np.arange(len(acc)), 8)
        self.deal_ids = col.ids("deal-", layout.deal_offset[b] + np.arange(len(blk.deals)), 9)
        self.lead_ids = col.ids("lead-", layout.lead_offset[b] + np.arange(len(blk.leads)), 9)
        self.rep_ids = col.ids("rep-", np.arange(world.people.n_reps) + 1, 5)
        parts = acc.name_parts
        self.account_names = col.join(
            col.labels(ACCOUNT_PREFIXES, parts[:, 0]),
            col.labels(ACCOUNT_CORES, parts[:, 1]),
            col.labels(ACCOUNT_SUFFIXES, parts[:, 2]),
            sep=" ",
        )
        self.us = lambda t: to_us(config, t)

    def _latest(self, created_us: np.ndarray, edited_us: np.ndarray) -> np.ndarray:
        return np.where(edited_us < self.cutoff, edited_us, created_us)

    def _changed(self, *times_us: np.ndarray) -> np.ndarray | bool:
        """Rows with any of ``times_us`` (epoch microseconds; ``NO_TIME`` for a null) at or
        after ``since``: every row without it."""
        if self.since_us is None:
            return True
        hit = np.zeros(len(times_us[0]), bool)
        for times in times_us:
            hit |= times >= self.since_us
        return hit

    def accounts(self) -> pa.Table:
        a = self.blk.accounts
        created = self.us(a.created_t)
        updated = self._latest(created, self.us(a.edited_t))
        keep = np.flatnonzero((created < self.cutoff) & self._changed(created, updated))
        return col.table(
            "accounts",
            {
                "account_id": col.take(self.account_ids, keep),
                "account_name": self.account_names.take(keep),
                "segment": col.labels(SEGMENTS, a.segment[keep]),
                "industry": col.labels(INDUSTRIES, a.industry[keep]),
                "country": col.labels(COUNTRY_CODES, a.country[keep]),
                "region": col.labels(REGIONS, COUNTRY_REGION[a.country[keep]]),
                "created_at": col.timestamps(created[keep]),
                "updated_at": col.timestamps(updated[keep]),
                "is_deleted": col.bools(np.zeros(len(keep), bool)),
            },
        )

    def contacts(self) -> pa.Table:
        c: Contacts = self.blk.contacts
        created = self.us(c.created_t)
        updated = self._latest(created, self.us(c.edited_t))
        keep = np.flatnonzero((created < self.cutoff) & self._changed(created, updated))
        first = col.labels(FIRST_NAMES, c.first[keep])
        last = col.labels(LAST_NAMES, c.last[keep])
        parts = self.blk.accounts.name_parts[c.account[keep]]
        domain = col.join(
            col.labels([w.lower() for w in ACCOUNT_CORES], parts[:, 1]),
            col.labels([w.lower() for w in ACCOUNT_SUFFIXES], parts[:, 2]),
            ".example",
        )
        email = col.join(pc.utf8_lower(first), ".", pc.utf8_lower(last), "@", domain)
        return col.table(
            "contacts",
            {
                "contact_id": _local_ids("con-", self.blk.index, keep),
                "account_id": col.take(self.account_ids, c.account[keep]),
                "full_name": col.join(first, last, sep=" "),
                "email": email,
                "title": col.labels(TITLES, c.title[keep]),
                "created_at": col.timestamps(created[keep]),
                "updated_at": col.timestamps(updated[keep]),
            },
        )

    def leads(self) -> pa.Table:
        ld = self.blk.leads
        created = self.us(ld.created_t)
        conv = self.us(ld.converted_t)
        disq = self.us(ld.disqualified_t)
        is_conv = conv < self.cutoff
        is_disq = disq < self.cutoff
        updated = np.where(is_conv, conv, np.where(is_disq, disq, created))
        changed = self._changed(created, updated, np.where(is_conv, conv, NO_TIME))
        keep = np.flatnonzero((created < self.cutoff) & changed)
        is_conv, is_disq, updated = is_conv[keep], is_disq[keep], updated[keep]
        status = np.where(is_conv, 1, np.where(is_disq, 2, 0))
        return col.table(
            "leads",
            {
                "lead_id": col.take(self.lead_ids, keep),
                "lead_source": col.labels(LEAD_SOURCES, ld.source[keep]),
                "owner_id": col.take(self.rep_ids, ld.owner[keep]),
                "account_id": col.take(self.account_ids, np.maximum(ld.account[keep], 0), ~is_conv),
                "status": col.labels(LEAD_STATUSES, status),
                "created_at": col.timestamps(created[keep]),
                "converted_at": col.timestamps(conv[keep], ~is_conv),
                "converted_deal_id": col.take(
                    self.deal_ids, np.maximum(ld.deal[keep], 0), ~is_conv
                ),
                "updated_at": col.timestamps(updated),
            },
        )

    # --- deals and their history -------------------------------------------------------

    @cached_property
    def _history_us(self) -> np.ndarray:
        return self.us(self.blk.deals.paths.t)

    def deals(self) -> pa.Table:
        d, m = self.blk.deals, self.blk.mess
        paths = d.paths
        hist = self._history_us
        visible = (hist < self.cutoff).astype(np.int64)
        n_vis = np.add.reduceat(visible, paths.offset[:-1]) if len(d) else np.zeros(0, np.int64)
        present = np.flatnonzero(n_vis > 0)
        last = paths.offset[present] + n_vis[present] - 1
        dup = present[(n_vis[present] >= 2) & (m.dup[present] < self.rate)]
        stale_entry = paths.offset[dup] + n_vis[dup] - 2
        deal = np.concatenate([present, dup])
        entry = np.concatenate([last, stale_entry])
        current = np.concatenate([np.ones(len(present), bool), np.zeros(len(dup), bool)])
        key = 2 * deal + np.where(current, 1, np.where(m.dup_first[deal], 0, 2))
        order = np.argsort(key, kind="stable")
        deal, entry, current = deal[order], entry[order], current[order]
        at = hist[entry]
        delete_us = self.us(m.delete_t[deal])
        deleted = current & (m.delete[deal] < self.rate) & (delete_us < self.cutoff)
        updated = np.where(deleted, delete_us, at)
        if self.since_us is not None:  # a changed deal with all its versions
            versions = np.isin(deal, deal[self._changed(updated)])
            deal, entry, current = deal[versions], entry[versions], current[versions]
            at, delete_us, deleted = at[versions], delete_us[versions], deleted[versions]
            updated = updated[versions]

        stage = paths.stage[entry].astype(np.int64)
        closed = STAGE_IS_CLOSED[stage]
        won = STAGE_IS_WON[stage]
        lost = closed & ~won
        amount_null = STAGE_IS_FIRST[stage] & (
            m.amount_null[deal] < min(1.0, AMOUNT_NULL_FACTOR * self.rate)
        )
        account_null = ~closed & (m.account_null[deal] < self.rate)
        reason_null = ~lost | (m.loss_null[deal] < self.rate)
        competitor = d.competitor[deal]
        competitor_null = reason_null | (competitor < 0)
        lead_of_deal = np.full(len(d), -1, dtype=np.int64)
        n_conv = int((self.blk.leads.deal >= 0).sum())
        lead_of_deal[self.blk.leads.deal[:n_conv]] = np.arange(n_conv)
        lead = lead_of_deal[deal]
        product = col.labels(PRODUCTS, d.product[deal])
        pipeline_ids = [p.pipeline_id for p in PIPELINES]
        expected = self.cfg.start_epoch_day + np.floor(d.expected_close_t[deal])
        return col.table(
            "deals",
            {
                "deal_id": col.take(self.deal_ids, deal),
                "deal_name": col.join(
                    col.take(self.account_names, d.account[deal]), product, sep=" - "
                ),
                "pipeline_id": col.labels(pipeline_ids, d.pipeline[deal]),
                "account_id": col.take(self.account_ids, d.account[deal], account_null),
                "owner_id": col.take(self.rep_ids, d.owner[deal]),
                "lead_id": col.take(self.lead_ids, np.maximum(lead, 0), lead < 0),
                "product": product,
                "amount": col.floats(d.amount[deal], amount_null),
                "currency": col.labels(CURRENCIES, d.currency[deal]),
                "stage_id": col.labels(STAGE_IDS, stage),
                "forecast_category": col.labels(
                    FORECAST_CATEGORIES, forecast_category_codes(stage)
                ),
                "probability": col.ints(STAGE_PROBABILITY[stage]),
                "created_at": col.timestamps(self.us(d.created[deal])),
                "expected_close_date": col.dates(expected),
                "closed_at": col.timestamps(at, ~closed),
                "is_closed": col.bools(closed),
                "is_won": col.bools(won),
                "loss_reason": col.labels(LOSS_REASONS, d.loss_reason[deal], reason_null),
                "competitor": col.labels(COMPETITORS, np.maximum(competitor, 0), competitor_null),
                "updated_at": col.timestamps(updated),
                "is_deleted": col.bools(deleted),
            },
        )

    def history(self) -> pa.Table:
        d, m = self.blk.deals, self.blk.mess
        hist = self._history_us
        lag_us = np.round(m.lag_days * 86_400).astype(np.int64) * 1_000_000
        late = m.late < self.rate
        visible = (hist < self.cutoff) & ~(late & (hist + lag_us >= self.cutoff))
        keep = np.flatnonzero(visible & self._changed(hist))
        return col.table(
            "deal_stage_history",
            {
                "deal_id": col.take(self.deal_ids, d.paths.deal[keep]),
                "stage_id": col.labels(STAGE_IDS, d.paths.stage[keep]),
                "entered_at": col.timestamps(hist[keep]),
            },
        )

    # --- activities ----------------------------------------------------------------------

    def activities(self) -> pa.Table:
        a = self.blk.activities
        t = self.us(a.t)
        keep = np.flatnonzero((t < self.cutoff) & self._changed(t))
        dur = a.duration[keep]
        dur_null = (dur < 0) | (self.blk.mess.duration_null[keep] < self.rate)
        deal = a.deal[keep]
        return col.table(
            "activities",
            {
                "activity_id": _local_ids("act-", self.blk.index, keep),
                "activity_type": col.labels(ACTIVITY_TYPES, a.kind[keep]),
                "owner_id": col.take(self.rep_ids, a.owner[keep]),
                "deal_id": col.take(self.deal_ids, np.maximum(deal, 0), deal < 0),
                "account_id": col.take(self.account_ids, a.account[keep]),
                "occurred_at": col.timestamps(t[keep]),
                "duration_minutes": col.ints(np.maximum(dur, 0), dur_null),
            },
        )

    def email_events(self) -> pa.Table:
        e = self.blk.emails
        t = self.us(e.t)
        keep = np.flatnonzero((t < self.cutoff) & self._changed(t))
        b = self.blk.index
        return col.table(
            "email_events",
            {
                "email_event_id": _local_ids("eml-", b, keep),
                "activity_id": col.ids("act-", b * BLOCK_ID_SPAN + e.activity[keep], 12),
                "event_type": col.labels(EMAIL_EVENT_TYPES, e.kind[keep]),
                "occurred_at": col.timestamps(t[keep]),
            },
        )

    # --- customers -----------------------------------------------------------------------

    def subscriptions(self) -> pa.Table:
        s = self.blk.subscriptions
        ended = s.end_day <= self.day
        # dates count from since's day on (changed_rows); an end date shows once it passed
        if self.since_us is None:
            changed: np.ndarray | bool = True
        else:
            since_day = self.since_us // US_PER_DAY - self.cfg.start_epoch_day
            changed = (s.start_day >= since_day) | (ended & (s.end_day >= since_day))
        keep = np.flatnonzero((s.start_day <= self.day) & changed)
        ended = ended[keep]
        plan_codes = np.where(
            s.plan_addon[keep], len(SEGMENT_PLANS), self.blk.accounts.segment[s.account[keep]]
        )
        epoch = self.cfg.start_epoch_day
        return col.table(
            "subscriptions",
            {
                "subscription_id": _local_ids("sub-", self.blk.index, keep),
                "account_id": col.take(self.account_ids, s.account[keep]),
                "plan": col.labels((*SEGMENT_PLANS, ADDON_PLAN), plan_codes),
                "mrr": col.floats(s.mrr[keep]),
                "currency": col.labels(CURRENCIES, s.currency[keep]),
                "start_date": col.dates(epoch + s.start_day[keep]),
                "end_date": col.dates(epoch + np.where(ended, s.end_day[keep], 0), ~ended),
            },
        )

    def csat(self) -> pa.Table:
        s, d = self.blk.surveys, self.blk.deals
        t = self.us(s.t)
        keep = np.flatnonzero((t < self.cutoff) & self._changed(t))
        deal = s.deal[keep]
        return col.table(
            "csat_surveys",
            {
                "survey_id": _local_ids("srv-", self.blk.index, keep),
                "account_id": col.take(self.account_ids, d.account[deal]),
                "deal_id": col.take(self.deal_ids, deal),
                "owner_id": col.take(self.rep_ids, d.owner[deal]),
                "score": col.ints(s.score[keep]),
                "responded_at": col.timestamps(t[keep]),
            },
        )
