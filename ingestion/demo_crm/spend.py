"""Monthly sales and marketing spend (USD), scaled to the size of the sales organisation.

Sales spend is the loaded cost of the reps employed that month, their managers and the
CRO; marketing spend tracks the expected lead volume, with event-season bumps in March
and September.
"""

from __future__ import annotations

import numpy as np

from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.leads import LEADS_PER_DEAL
from ingestion.demo_crm.people import People
from ingestion.demo_crm.rng import Stream, rng_for
from ingestion.demo_crm.timeline import Timeline

REP_MONTHLY_COST = 14_000.0
MANAGER_MONTHLY_COST = 19_000.0
EXEC_MONTHLY_COST = 32_000.0
COST_PER_LEAD = 110.0


def monthly_spend(config: DemoCrmConfig, people: People, timeline: Timeline) -> np.ndarray:
    """(n_months, 2) spend per month: column 0 sales, column 1 marketing."""
    rng = rng_for(config.seed, Stream.SPEND)
    n_months = timeline.n_months
    reps = (people.ramp > 0).sum(axis=0)
    sales = reps * REP_MONTHLY_COST + people.n_teams * MANAGER_MONTHLY_COST + EXEC_MONTHLY_COST
    sales = sales * np.exp(rng.normal(0.0, 0.03, n_months))
    lead_share = people.capacity.sum(axis=1) / people.capacity.sum()
    leads = lead_share * config.size * LEADS_PER_DEAL
    calendar_month = (np.arange(n_months) + timeline.start.month - 1) % 12 + 1
    season = np.where(np.isin(calendar_month, (3, 9)), 1.25, 1.0)
    marketing = leads * COST_PER_LEAD * season * np.exp(rng.normal(0.0, 0.12, n_months))
    return np.round(np.stack([sales, marketing], axis=1), 2)
