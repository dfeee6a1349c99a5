"""Deals of one block: new-business deals, expansion deals, loss reasons.

New-business deals are created in proportion to the sales capacity of each region and
month, on an account of that region, owned by a rep active there then. Expansion deals
are created on existing customers while they are customers (see ``customers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm import truths
from ingestion.demo_crm.accounts import Accounts
from ingestion.demo_crm.catalog import (
    COMPETITORS,
    EX_PRODUCT_WEIGHTS,
    EXPANSION,
    EXPANSION_AMOUNT_FACTOR,
    LOSS_REASON_WEIGHTS,
    LOSS_REASONS,
    NB_PRODUCT_WEIGHTS,
    NEW_BUSINESS,
    PIPELINES,
    REGIONS,
    SEGMENT_AMOUNT_MEDIAN,
    SEGMENT_AMOUNT_SIGMA,
    SEGMENT_SPEED,
    Pipeline,
)
from ingestion.demo_crm.lifecycle import Paths, build_paths
from ingestion.demo_crm.people import LOW_WIN_RATE_REP, People
from ingestion.demo_crm.rng import categorical
from ingestion.demo_crm.timeline import Timeline

NB_SHARE = 0.8  # share of a block's deals that are new business
P_FROM_LEAD = (0.95, 0.70)  # per pipeline: share of deals converted from a lead
SPEED_SIGMA = 0.4
COMPETITOR_REASON = LOSS_REASONS.index("competitor")
MAIN_COMPETITOR = COMPETITORS.index(truths.LOW_WIN_RATE_COMPETITOR)


@dataclass
class Deals:
    """Deal-level arrays plus the flat stage history (``paths``)."""

    pipeline: np.ndarray  # int8: 0 new_business, 1 expansion
    account: np.ndarray  # block-local account index
    owner: np.ndarray  # rep index
    created: np.ndarray  # days since horizon start
    amount: np.ndarray  # deal currency
    currency: np.ndarray
    product: np.ndarray
    expected_close_t: np.ndarray
    from_lead: np.ndarray
    paths: Paths
    loss_reason: np.ndarray | None = None  # int8, used when the deal shows as lost
    competitor: np.ndarray | None = None  # int8, -1 = none

    def __len__(self) -> int:
        return len(self.created)

    @property
    def won(self) -> np.ndarray:
        return self.paths.won

    @property
    def close_t(self) -> np.ndarray:
        return self.paths.close_t

    def flip_to_lost(self, idx: np.ndarray) -> None:
        """Turn the final close of deals ``idx`` from won into lost (in place)."""
        final = self.paths.offset[idx + 1] - 1
        lost = np.array([p.lost_code for p in PIPELINES], dtype=np.int8)
        self.paths.stage[final] = lost[self.pipeline[idx]]
        self.paths.won[idx] = False


def new_business(
    rng: np.random.Generator,
    n: int,
    accounts: Accounts,
    people: People,
    timeline: Timeline,
) -> Deals:
    n_regions = len(REGIONS)
    cell = categorical(rng, people.capacity.ravel(), n).astype(np.int64)
    month, region = cell // n_regions, cell % n_regions
    days = timeline.month_days()[month]
    created = timeline.month_start[month] + rng.random(n) * days
    account = accounts.sampler.sample(rng, region)
    owner = people.sample_owners(rng, month, region)
    return _deals(rng, NEW_BUSINESS, account, owner, created, accounts, people, timeline)


def expansion(
    rng: np.random.Generator,
    n: int,
    window_account: np.ndarray,
    window_start: np.ndarray,
    window_end: np.ndarray,
    accounts: Accounts,
    people: People,
    timeline: Timeline,
) -> Deals:
    """``n`` expansion deals created uniformly over the customers' active windows."""
    length = np.maximum(window_end - window_start, 0.0)
    w = categorical(rng, length, n).astype(np.int64)
    created = window_start[w] + rng.random(n) * length[w]
    account = window_account[w]
    month = timeline.month_of(created)
    owner = people.sample_owners(rng, month, accounts.region[account].astype(np.int64))
    return _deals(rng, EXPANSION, account, owner, created, accounts, people, timeline)


def _deals(
    rng: np.random.Generator,
    pipe: Pipeline,
    account: np.ndarray,
    owner: np.ndarray,
    created: np.ndarray,
    accounts: Accounts,
    people: People,
    timeline: Timeline,
) -> Deals:
    n = len(created)
    is_ex = pipe is EXPANSION
    segment = accounts.segment[account]
    factor = EXPANSION_AMOUNT_FACTOR if is_ex else 1.0
    raw = SEGMENT_AMOUNT_MEDIAN[segment] * factor
    raw = raw * np.exp(rng.normal(0.0, 1.0, n) * SEGMENT_AMOUNT_SIGMA[segment])
    amount = np.maximum(np.round(raw / 100.0) * 100.0, 500.0)
    product = categorical(rng, EX_PRODUCT_WEIGHTS if is_ex else NB_PRODUCT_WEIGHTS, n)
    speed = SEGMENT_SPEED[segment] * np.exp(rng.normal(0.0, SPEED_SIGMA, n))
    if is_ex:
        speed = speed * 0.8
    paths = build_paths(rng, pipe, created, speed, people.rep_win[owner], timeline.quarter_start)
    typical_cycle = sum(pipe.dwell_days) * SEGMENT_SPEED[segment]
    expected_close = created + typical_cycle * np.exp(rng.normal(0.0, 0.3, n))
    from_lead = rng.random(n) < P_FROM_LEAD[int(is_ex)]
    return Deals(
        pipeline=np.full(n, int(is_ex), dtype=np.int8),
        account=account.astype(np.int64),
        owner=owner.astype(np.int32),
        created=created,
        amount=amount,
        currency=accounts.currency[account],
        product=product.astype(np.int8),
        expected_close_t=expected_close,
        from_lead=from_lead,
        paths=paths,
    )


def concat(a: Deals, b: Deals) -> Deals:
    """Deals of ``a`` followed by those of ``b`` (history re-indexed)."""
    pa_, pb = a.paths, b.paths
    paths = Paths(
        won=np.concatenate([pa_.won, pb.won]),
        reach=np.concatenate([pa_.reach, pb.reach]),
        skipped=np.concatenate([pa_.skipped, pb.skipped]),
        regressed=np.concatenate([pa_.regressed, pb.regressed]),
        reopened=np.concatenate([pa_.reopened, pb.reopened]),
        offset=np.concatenate([pa_.offset, pb.offset[1:] + pa_.offset[-1]]),
        deal=np.concatenate([pa_.deal, pb.deal + len(a)]),
        stage=np.concatenate([pa_.stage, pb.stage]),
        t=np.concatenate([pa_.t, pb.t]),
    )
    fields = ("pipeline", "account", "owner", "created", "amount", "currency", "product")
    kw = {f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in fields}
    return Deals(
        **kw,
        expected_close_t=np.concatenate([a.expected_close_t, b.expected_close_t]),
        from_lead=np.concatenate([a.from_lead, b.from_lead]),
        paths=paths,
    )


def assign_loss_reasons(rng: np.random.Generator, deals: Deals) -> None:
    """Loss reason and competitor of every deal (shown only where it is lost).

    The low-win-rate rep loses mostly to competitors, and mostly to one of them.
    """
    n = len(deals)
    reason = categorical(rng, LOSS_REASON_WEIGHTS, n).astype(np.int8)
    competitor = rng.integers(0, len(COMPETITORS), n).astype(np.int8)
    u = rng.random((n, 2))
    bad = deals.owner == LOW_WIN_RATE_REP
    to_comp = bad & (u[:, 0] < truths.LOW_WIN_RATE_COMPETITOR_LOSS_SHARE)
    reason[to_comp] = COMPETITOR_REASON
    main = bad & (u[:, 1] < truths.LOW_WIN_RATE_MAIN_COMPETITOR_SHARE)
    competitor[main] = MAIN_COMPETITOR
    competitor[reason != COMPETITOR_REASON] = -1
    deals.loss_reason = reason
    deals.competitor = competitor
