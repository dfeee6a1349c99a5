"""Leads of one block: ~1.5 per deal, ~60% of them converted into a deal.

A converted lead was created days to weeks before its deal and converted exactly when the
deal was created (``converted_at == deal.created_at``); the others are disqualified after
some weeks or stay open. Leads only get an account when they convert.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm.catalog import LEAD_SOURCE_WEIGHTS, REGIONS
from ingestion.demo_crm.deals import Deals
from ingestion.demo_crm.people import People
from ingestion.demo_crm.rng import categorical
from ingestion.demo_crm.timeline import Timeline

LEADS_PER_DEAL = 1.5
P_DISQUALIFIED = 0.85


def lead_count(n_deals: int) -> int:
    return round(LEADS_PER_DEAL * n_deals)


@dataclass
class Leads:
    source: np.ndarray
    owner: np.ndarray
    account: np.ndarray  # block-local account, -1 until converted (never for unconverted)
    deal: np.ndarray  # converted deal (block-local), -1 if none
    created_t: np.ndarray
    converted_t: np.ndarray  # inf if never
    disqualified_t: np.ndarray  # inf if never

    def __len__(self) -> int:
        return len(self.created_t)


def build_leads(
    rng: np.random.Generator, deals: Deals, people: People, timeline: Timeline
) -> Leads:
    conv = np.flatnonzero(deals.from_lead)
    n_conv = len(conv)
    n_open = max(0, lead_count(len(deals)) - n_conv)
    created_c = deals.created[conv] - 1.0 / 24 - rng.exponential(12.0, n_conv)

    n_regions = len(REGIONS)
    cell = categorical(rng, people.capacity.ravel(), n_open).astype(np.int64)
    month, region = cell // n_regions, cell % n_regions
    created_u = timeline.month_start[month] + rng.random(n_open) * timeline.month_days()[month]
    owner_u = people.sample_owners(rng, month, region)
    disq = rng.random(n_open) < P_DISQUALIFIED
    disq_t = np.where(disq, created_u + 1.0 + rng.exponential(20.0, n_open), np.inf)

    n = n_conv + n_open
    return Leads(
        source=categorical(rng, LEAD_SOURCE_WEIGHTS, n).astype(np.int8),
        owner=np.concatenate([deals.owner[conv], owner_u]).astype(np.int32),
        account=np.concatenate([deals.account[conv], np.full(n_open, -1)]).astype(np.int64),
        deal=np.concatenate([conv, np.full(n_open, -1)]).astype(np.int64),
        created_t=np.concatenate([created_c, created_u]),
        converted_t=np.concatenate([deals.created[conv], np.full(n_open, np.inf)]),
        disqualified_t=np.concatenate([np.full(n_conv, np.inf), disq_t]),
    )
