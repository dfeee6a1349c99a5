"""One block of the world: a fixed slice of the deals with its own accounts and everything
that hangs off them, generated for the whole horizon (independently of ``as_of``).

Blocks have a fixed size (``BLOCK_DEALS``, split evenly), and each block draws from its
own random streams seeded by (seed, stream, block). So the world does not depend on how
the output is chunked, and blocks can be generated in any order or in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm.accounts import (
    Accounts,
    Contacts,
    account_count,
    build_accounts,
    build_contacts,
)
from ingestion.demo_crm.activities import (
    Activities,
    EmailEvents,
    build_activities,
    build_email_events,
)
from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.customers import (
    Lifecycles,
    Subscriptions,
    Surveys,
    lifecycles,
    settle_expansions,
    subscriptions,
    surveys,
)
from ingestion.demo_crm.deals import (
    NB_SHARE,
    Deals,
    assign_loss_reasons,
    concat,
    expansion,
    new_business,
)
from ingestion.demo_crm.leads import Leads, build_leads, lead_count
from ingestion.demo_crm.mess import MessDraws, draw_mess
from ingestion.demo_crm.people import People
from ingestion.demo_crm.rng import Stream, rng_for
from ingestion.demo_crm.timeline import Timeline

BLOCK_DEALS = 25_000
NEVER_US = np.iinfo(np.int64).max // 4


def block_sizes(size: int) -> np.ndarray:
    """Deals per block: ``ceil(size / BLOCK_DEALS)`` blocks of near-equal size.

    >>> block_sizes(60_000).tolist()
    [20000, 20000, 20000]
    """
    n_blocks = -(-size // BLOCK_DEALS)
    sizes = np.full(n_blocks, size // n_blocks, dtype=np.int64)
    sizes[: size % n_blocks] += 1
    return sizes


@dataclass(frozen=True)
class BlockLayout:
    """Where each block's deals, accounts and leads sit in the global numbering."""

    deals: np.ndarray
    deal_offset: np.ndarray
    account_offset: np.ndarray
    lead_offset: np.ndarray

    @classmethod
    def of(cls, size: int) -> BlockLayout:
        deals = block_sizes(size)
        accounts = np.array([account_count(int(n)) for n in deals], dtype=np.int64)
        leads = np.array([lead_count(int(n)) for n in deals], dtype=np.int64)

        def offsets(x: np.ndarray) -> np.ndarray:
            return np.concatenate([[0], np.cumsum(x)[:-1]]).astype(np.int64)

        return cls(deals, offsets(deals), offsets(accounts), offsets(leads))

    def __len__(self) -> int:
        return len(self.deals)


@dataclass
class Block:
    index: int
    accounts: Accounts
    contacts: Contacts
    deals: Deals
    n_new_business: int
    leads: Leads
    activities: Activities
    emails: EmailEvents
    life: Lifecycles
    subscriptions: Subscriptions
    surveys: Surveys
    mess: MessDraws


def to_us(config: DemoCrmConfig, t: np.ndarray) -> np.ndarray:
    """Days since the horizon start -> epoch microseconds (whole seconds; inf -> never)."""
    t = np.asarray(t, dtype=float)
    finite = np.isfinite(t)
    secs = np.round(np.where(finite, t, 0.0) * 86_400.0).astype(np.int64)
    return np.where(finite, config.start_us + secs * 1_000_000, NEVER_US)


def build_block(
    config: DemoCrmConfig, people: People, timeline: Timeline, layout: BlockLayout, b: int
) -> Block:
    n = int(layout.deals[b])
    seed = config.seed
    horizon = float(config.horizon_days)
    region_share = people.capacity.sum(axis=0)
    accounts = build_accounts(
        rng_for(seed, Stream.ACCOUNTS, b), account_count(n), region_share / region_share.sum()
    )
    n_nb = max(1, round(NB_SHARE * n)) if n > 1 else n
    nb = new_business(rng_for(seed, Stream.NB_DEALS, b), n_nb, accounts, people, timeline)
    life = lifecycles(rng_for(seed, Stream.CUSTOMERS, b), nb)
    w_acc, w_start, w_end = life.windows(horizon)
    if len(w_acc) == 0:  # degenerate (tiny) worlds: no customer yet, expand anyone
        w_acc = np.arange(len(accounts), dtype=np.int64)
        w_start, w_end = np.zeros(len(accounts)), np.full(len(accounts), horizon)
    ex = expansion(
        rng_for(seed, Stream.EX_DEALS, b),
        n - n_nb,
        w_acc,
        w_start,
        w_end,
        accounts,
        people,
        timeline,
    )
    addon_deal, addon_end = settle_expansions(ex, life, n_nb)
    deals = concat(nb, ex)
    assign_loss_reasons(rng_for(seed, Stream.LOSS_REASONS, b), deals)
    rng_s = rng_for(seed, Stream.SUBSCRIPTIONS, b)
    subs = subscriptions(rng_s, deals, life, addon_deal, addon_end)
    survey = surveys(rng_for(seed, Stream.CSAT, b), deals)
    leads = build_leads(rng_for(seed, Stream.LEADS, b), deals, people, timeline)

    first_event = np.full(len(accounts), np.inf)
    np.minimum.at(first_event, deals.account, deals.created)
    conv = leads.deal >= 0
    np.minimum.at(first_event, leads.account[conv], leads.created_t[conv])
    rng_a = rng_for(seed, Stream.CONTACTS, b)
    accounts.finish(rng_a, first_event, config.horizon_days)
    contacts = build_contacts(rng_a, accounts)

    acts = build_activities(rng_for(seed, Stream.ACTIVITIES, b), deals, people)
    emails = build_email_events(rng_for(seed, Stream.EMAILS, b), acts)
    mess = draw_mess(rng_for(seed, Stream.MESS, b), deals.close_t, len(deals.paths.t), len(acts))
    return Block(b, accounts, contacts, deals, n_nb, leads, acts, emails, life, subs, survey, mess)
