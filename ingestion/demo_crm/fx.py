"""Daily FX rates (USD per unit) for every calendar day of the horizon.

EUR and GBP follow a smooth mean-reverting random walk in log space around 1.08 and 1.27
USD; USD is present at exactly 1.0.
"""

from __future__ import annotations

import numpy as np

from ingestion.demo_crm.catalog import FX_MEAN_USD_PER_UNIT
from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.rng import Stream, rng_for

DAILY_VOL = 0.0035
MEAN_REVERSION = 0.01


def fx_series(config: DemoCrmConfig) -> np.ndarray:
    """(horizon_days, 3) USD per unit of USD, EUR, GBP for each day of the horizon."""
    rng = rng_for(config.seed, Stream.FX)
    days = config.horizon_days
    out = np.ones((days, len(FX_MEAN_USD_PER_UNIT)))
    for c in range(1, len(FX_MEAN_USD_PER_UNIT)):
        mu = np.log(FX_MEAN_USD_PER_UNIT[c])
        shocks = rng.normal(0.0, DAILY_VOL, days)
        x = np.empty(days)
        x[0] = mu + rng.normal(0.0, 0.02)
        for d in range(1, days):
            x[d] = x[d - 1] + MEAN_REVERSION * (mu - x[d - 1]) + shocks[d]
        out[:, c] = np.round(np.exp(x), 6)
    return out
