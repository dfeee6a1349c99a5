"""The as-of calendar: every run is computed as of one date, and that date is the partition.

A partition key is an as-of date (YYYY-MM-DD). The weekly schedule picks the Sunday before
its Monday tick; the quarterly schedule picks the last day of the previous quarter. Both
are pure functions of the tick time, so a schedule and a backfill of the same date ask for
the same run.

>>> from datetime import datetime
>>> weekly_as_of(datetime(2026, 11, 23, 6, 0))
datetime.date(2026, 11, 22)
>>> quarterly_as_of(datetime(2026, 10, 1, 6, 0))
datetime.date(2026, 9, 30)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg

from orchestration.settings import Settings


def as_of_partitions(settings: Settings) -> dg.DailyPartitionsDefinition:
    """One partition per complete day in the reporting time zone, from the history start."""
    return dg.DailyPartitionsDefinition(
        start_date=settings.history_start,
        timezone=settings.timezone,
        end_offset=0,
    )


def weekly_as_of(tick: datetime) -> date:
    """The Sunday that ends the last complete ISO week before ``tick`` (local time)."""
    today = tick.date()
    return today - timedelta(days=today.weekday() + 1)


def quarter_start_months(fiscal_year_start_month: int = 1) -> list[int]:
    """The months in which (fiscal) quarters start, e.g. [2, 5, 8, 11] for a February year."""
    if not 1 <= fiscal_year_start_month <= 12:
        raise ValueError(f"fiscal_year_start_month must be 1-12, got {fiscal_year_start_month}")
    return sorted((fiscal_year_start_month - 1 + 3 * i) % 12 + 1 for i in range(4))


def quarterly_as_of(tick: datetime, fiscal_year_start_month: int = 1) -> date:
    """The last day of the (fiscal) quarter before the one containing ``tick``."""
    months = quarter_start_months(fiscal_year_start_month)
    today = tick.date()
    start_month = max((m for m in months if m <= today.month), default=None)
    if start_month is None:  # before the first quarter start of the calendar year
        quarter_start = date(today.year - 1, months[-1], 1)
    else:
        quarter_start = date(today.year, start_month, 1)
    return quarter_start - timedelta(days=1)
