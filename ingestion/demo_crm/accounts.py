"""Accounts and their contacts, generated per block.

Each block owns its own accounts (~ one per four deals of the block), so every deal,
lead and subscription of an account lives in the same block. Regions follow the sales
capacity per region, countries are weighted within regions, EMEA countries bill in EUR,
GBP or USD. An account is created some weeks before its first lead or deal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.demo_crm.catalog import (
    ACCOUNT_CORES,
    ACCOUNT_PREFIXES,
    ACCOUNT_SUFFIXES,
    COUNTRY_CURRENCY,
    COUNTRY_REGION,
    COUNTRY_WEIGHT,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    REGIONS,
    SEGMENT_DEAL_WEIGHT,
    SEGMENT_WEIGHTS,
    TITLES,
)
from ingestion.demo_crm.rng import GroupedSampler, categorical

_COUNTRY_SAMPLER = GroupedSampler(COUNTRY_REGION.astype(np.int64), COUNTRY_WEIGHT, len(REGIONS))


def account_count(n_deals: int) -> int:
    return max(len(REGIONS), round(n_deals / 4))


@dataclass
class Accounts:
    region: np.ndarray  # int8
    country: np.ndarray  # int16 index into COUNTRIES
    currency: np.ndarray  # int8 index into CURRENCIES
    segment: np.ndarray  # int8
    industry: np.ndarray  # int16
    name_parts: np.ndarray  # (n, 3) indices into prefix/core/suffix vocabularies
    deal_weight: np.ndarray
    sampler: GroupedSampler  # picks an account of a region ∝ deal_weight
    created_t: np.ndarray | None = None  # days since horizon start (set by finish())
    edited_t: np.ndarray | None = None  # a later edit (updated_at) if it happened

    def __len__(self) -> int:
        return len(self.region)

    def finish(self, rng: np.random.Generator, first_event_t: np.ndarray, horizon: int) -> None:
        """Set creation times: some weeks before the first event, or anywhere if none."""
        n = len(self)
        before = first_event_t - 1.0 - rng.exponential(45.0, n)
        anywhere = rng.uniform(-365.0, horizon, n)
        self.created_t = np.where(np.isfinite(first_event_t), before, anywhere)
        self.edited_t = self.created_t + rng.uniform(1.0, 500.0, n)


def build_accounts(rng: np.random.Generator, n: int, region_share: np.ndarray) -> Accounts:
    """``n`` accounts; the first four cover every region, the rest follow ``region_share``."""
    region = np.concatenate(
        [np.arange(min(n, len(REGIONS))), categorical(rng, region_share, max(0, n - 4))]
    ).astype(np.int8)
    country = _COUNTRY_SAMPLER.sample(rng, region.astype(np.int64)).astype(np.int16)
    segment = categorical(rng, SEGMENT_WEIGHTS, n).astype(np.int8)
    industry = rng.integers(0, len(INDUSTRIES), n).astype(np.int16)
    sizes = (len(ACCOUNT_PREFIXES), len(ACCOUNT_CORES), len(ACCOUNT_SUFFIXES))
    name_parts = np.stack([rng.integers(0, s, n) for s in sizes], axis=1).astype(np.int16)
    deal_weight = SEGMENT_DEAL_WEIGHT[segment] * np.exp(rng.normal(0.0, 0.7, n))
    sampler = GroupedSampler(region.astype(np.int64), deal_weight, len(REGIONS))
    return Accounts(
        region=region,
        country=country,
        currency=COUNTRY_CURRENCY[country],
        segment=segment,
        industry=industry,
        name_parts=name_parts,
        deal_weight=deal_weight,
        sampler=sampler,
    )


@dataclass
class Contacts:
    account: np.ndarray  # block-local account index
    first: np.ndarray
    last: np.ndarray
    title: np.ndarray
    created_t: np.ndarray
    edited_t: np.ndarray


def build_contacts(rng: np.random.Generator, accounts: Accounts) -> Contacts:
    """1 + Poisson(1) contacts per account, added during the account's first months."""
    per = 1 + rng.poisson(1.0, len(accounts))
    account = np.repeat(np.arange(len(accounts), dtype=np.int64), per)
    k = len(account)
    created = accounts.created_t[account] + rng.exponential(20.0, k)
    return Contacts(
        account=account,
        first=rng.integers(0, len(FIRST_NAMES), k).astype(np.int16),
        last=rng.integers(0, len(LAST_NAMES), k).astype(np.int16),
        title=rng.integers(0, len(TITLES), k).astype(np.int16),
        created_t=created,
        edited_t=created + rng.uniform(1.0, 400.0, k),
    )
