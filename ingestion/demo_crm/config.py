"""Configuration of the demo CRM world and of the extract taken from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

EPOCH = date(1970, 1, 1)
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class DemoCrmConfig:
    """What world to generate and on which day to extract it.

    ``size`` is the number of deals created over the whole horizon
    ``[start_date, start_date + years)``. The world is always generated for the whole
    horizon; the extract shows what the CRM showed at the end of ``as_of`` (UTC), which
    defaults to the last day of the horizon. ``mess_rate`` scales the planted data-quality
    problems (0 gives clean data).

    >>> cfg = DemoCrmConfig(size=1_000, as_of=date(2025, 6, 30))
    >>> cfg.horizon_end, cfg.extract_date
    (datetime.date(2028, 1, 1), datetime.date(2025, 6, 30))
    """

    size: int = 10_000
    seed: int = 42
    start_date: date = date(2024, 1, 1)
    years: int = 4
    as_of: date | None = None
    mess_rate: float = 0.02

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError(f"size must be >= 1, got {self.size}")
        if not 1 <= self.years <= 20:
            raise ValueError(f"years must be in [1, 20], got {self.years}")
        if not 0.0 <= self.mess_rate <= 0.1:
            raise ValueError(f"mess_rate must be in [0, 0.1], got {self.mess_rate}")
        if self.start_date.day != 1:
            raise ValueError("start_date must be the first day of a month")
        if self.as_of is not None and not self.start_date <= self.as_of < self.horizon_end:
            raise ValueError(
                f"as_of {self.as_of} outside the horizon [{self.start_date}, {self.horizon_end})"
            )

    @property
    def horizon_end(self) -> date:
        """First day after the horizon (exclusive end)."""
        return self.start_date.replace(year=self.start_date.year + self.years)

    @property
    def horizon_days(self) -> int:
        return (self.horizon_end - self.start_date).days

    @property
    def extract_date(self) -> date:
        """The day the extract is taken (end of that day, UTC)."""
        return self.as_of if self.as_of is not None else self.horizon_end - timedelta(days=1)

    @property
    def cutoff(self) -> datetime:
        """Events strictly before this instant are in the extract."""
        d = self.extract_date + timedelta(days=1)
        return datetime(d.year, d.month, d.day, tzinfo=UTC)

    @property
    def start_us(self) -> int:
        """Horizon start as microseconds since the Unix epoch."""
        return (self.start_date - EPOCH).days * US_PER_DAY

    @property
    def cutoff_us(self) -> int:
        return (self.extract_date + timedelta(days=1) - EPOCH).days * US_PER_DAY

    @property
    def start_epoch_day(self) -> int:
        return (self.start_date - EPOCH).days

    @property
    def extract_epoch_day(self) -> int:
        return (self.extract_date - EPOCH).days
