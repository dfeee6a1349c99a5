"""The whole world: organisation, calendar, FX, block layout and quota calibration.

Built once per config (cached); blocks are generated on demand from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from ingestion.demo_crm import truths
from ingestion.demo_crm.block import Block, BlockLayout, build_block
from ingestion.demo_crm.catalog import FX_MEAN_USD_PER_UNIT
from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.fx import fx_series
from ingestion.demo_crm.people import People, build_people
from ingestion.demo_crm.spend import monthly_spend
from ingestion.demo_crm.timeline import Timeline

QUOTA_SMOOTHING_MONTHS = 5


@dataclass(frozen=True)
class World:
    config: DemoCrmConfig
    timeline: Timeline
    people: People
    layout: BlockLayout
    fx: np.ndarray  # (horizon_days, 3)
    spend: np.ndarray  # (n_months, 2)
    quota_per_month: np.ndarray  # (n_months,) USD quota of a fully ramped rep
    first_block: Block

    def block(self, b: int) -> Block:
        if b == 0:
            return self.first_block
        return build_block(self.config, self.people, self.timeline, self.layout, b)


def quota_profile(
    config: DemoCrmConfig, blk: Block, people: People, timeline: Timeline
) -> np.ndarray:
    """Expected bookings (USD) per unit of sales capacity, per month, estimated on block 0.

    Bookings per capacity start low (the pipeline starts empty and the customer base that
    expansion deals come from builds up) and level off; quotas follow this profile,
    smoothed over ``QUOTA_SMOOTHING_MONTHS`` months, so attainment stays healthy.
    """
    deals = blk.deals
    usd = deals.amount * FX_MEAN_USD_PER_UNIT[deals.currency]
    month = np.searchsorted(timeline.month_start, deals.close_t, side="right") - 1
    ok = deals.won & (month >= 0) & (month < timeline.n_months)
    booked = np.bincount(month[ok], weights=usd[ok], minlength=timeline.n_months)
    booked = booked * config.size / max(len(deals), 1)  # block 0 -> whole world
    ratio = booked / people.capacity.sum(axis=1)
    kernel = np.ones(QUOTA_SMOOTHING_MONTHS)
    return np.convolve(ratio, kernel, "same") / np.convolve(np.ones_like(ratio), kernel, "same")


def build_world(config: DemoCrmConfig) -> World:
    """The world of ``config``; ``as_of`` and ``mess_rate`` do not change it (cached)."""
    return _build_world(replace(config, as_of=None, mess_rate=0.0))


@lru_cache(maxsize=4)
def _build_world(config: DemoCrmConfig) -> World:
    timeline = Timeline.of(config)
    people = build_people(config, timeline)
    layout = BlockLayout.of(config.size)
    first = build_block(config, people, timeline, layout, 0)
    # A fully ramped rep of average productivity is expected to book MEAN_ATTAINMENT of quota.
    quota = quota_profile(config, first, people, timeline) / truths.MEAN_ATTAINMENT
    return World(
        config=config,
        timeline=timeline,
        people=people,
        layout=layout,
        fx=fx_series(config),
        spend=monthly_spend(config, people, timeline),
        quota_per_month=quota,
        first_block=first,
    )
