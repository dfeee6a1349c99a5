"""Calendar helpers: the horizon's months and quarters as day offsets from its start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ingestion.demo_crm.config import EPOCH, DemoCrmConfig

DAYS_PER_MONTH = 365.25 / 12


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


@dataclass(frozen=True)
class Timeline:
    """Month and quarter boundaries, in days since the horizon start.

    ``month_start[m]`` for m in ``0..n_months`` (the last one is the horizon end);
    ``quarter_start`` covers the horizon plus three spare years, because deals created
    near the end keep moving after it.
    """

    start: date
    n_months: int
    month_start: np.ndarray
    month_epoch_day: np.ndarray
    quarter_start: np.ndarray

    @classmethod
    def of(cls, config: DemoCrmConfig) -> Timeline:
        start = config.start_date
        n_months = 12 * config.years
        months = [add_months(start, m) for m in range(n_months + 1)]
        month_start = np.array([(d - start).days for d in months], dtype=np.int64)
        q0 = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
        quarters = [add_months(q0, 3 * q) for q in range(4 * (config.years + 3) + 1)]
        quarter_start = np.array([(d - start).days for d in quarters], dtype=np.int64)
        epoch = (start - EPOCH).days
        return cls(start, n_months, month_start, month_start + epoch, quarter_start)

    def month_of(self, t: np.ndarray) -> np.ndarray:
        """Month index of day offsets ``t`` (clipped to the horizon)."""
        m = np.searchsorted(self.month_start, t, side="right") - 1
        return np.clip(m, 0, self.n_months - 1)

    def month_days(self) -> np.ndarray:
        return np.diff(self.month_start)
