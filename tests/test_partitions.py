"""The as-of calendar the schedules and backfills share."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from orchestration.partitions import quarter_start_months, quarterly_as_of, weekly_as_of


def test_weekly_tick_on_monday_asks_for_the_previous_sunday() -> None:
    assert weekly_as_of(datetime(2026, 11, 23, 6, 0)) == date(2026, 11, 22)


@pytest.mark.parametrize(
    ("tick", "expected"),
    [
        (datetime(2026, 11, 24, 6, 0), date(2026, 11, 22)),  # a late Tuesday run: same week
        (datetime(2026, 11, 29, 23, 0), date(2026, 11, 22)),  # Sunday itself is not over
        (datetime(2026, 1, 5, 6, 0), date(2026, 1, 4)),  # across a year boundary
    ],
)
def test_weekly_as_of_is_the_last_complete_iso_week(tick: datetime, expected: date) -> None:
    assert weekly_as_of(tick) == expected


def test_quarterly_tick_on_october_first_asks_for_september_thirtieth() -> None:
    assert quarterly_as_of(datetime(2026, 10, 1, 6, 0)) == date(2026, 9, 30)


def test_quarterly_tick_in_january_asks_for_the_end_of_december() -> None:
    assert quarterly_as_of(datetime(2027, 1, 1, 6, 0)) == date(2026, 12, 31)


def test_fiscal_year_starting_in_february_moves_the_quarters() -> None:
    assert quarter_start_months(2) == [2, 5, 8, 11]
    assert quarterly_as_of(datetime(2026, 2, 1, 6, 0), 2) == date(2026, 1, 31)
    assert quarterly_as_of(datetime(2026, 1, 15, 6, 0), 2) == date(2025, 10, 31)


def test_fiscal_month_out_of_range_is_rejected_with_the_value() -> None:
    with pytest.raises(ValueError, match="got 13"):
        quarter_start_months(13)
