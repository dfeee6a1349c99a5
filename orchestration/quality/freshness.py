"""Source freshness as of the run's date, from the dbt sources' own freshness config.

The dbt YAML declares, per source table, the column that says when data last arrived
(``loaded_at_field``) and ``warn_after`` / ``error_after``. Here that declaration is
measured against the end of the run's as-of day (not the wall clock, so a backfill of an
old date judges the data as it stood then): a table whose newest row is older than
``warn_after`` warns, older than ``error_after`` fails with ERROR severity. Neither blocks
publishing: stale data is worth a publication that says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

PERIOD_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1.0}


@dataclass(frozen=True)
class FreshnessRule:
    """One source table's declared freshness."""

    source: str
    table: str
    schema: str
    loaded_at_field: str
    warn_after_days: float | None
    error_after_days: float | None


@dataclass(frozen=True)
class FreshnessResult:
    rule: FreshnessRule
    latest: datetime | None
    age_days: float | None
    status: str  # pass | warn | error

    @property
    def description(self) -> str:
        if self.latest is None:
            return f"{self.rule.table}: no rows with {self.rule.loaded_at_field}"
        return (
            f"{self.rule.table}: newest {self.rule.loaded_at_field} {self.latest:%Y-%m-%d %H:%M}, "
            f"{self.age_days:.1f} days before the end of the as-of date ({self.status})"
        )


def freshness_rules(manifest: Mapping[str, Any]) -> list[FreshnessRule]:
    """The source tables of a dbt manifest that declare freshness."""
    rules = []
    for source in manifest["sources"].values():
        config = source.get("config", {})
        freshness = config.get("freshness") or source.get("freshness") or {}
        field = config.get("loaded_at_field") or source.get("loaded_at_field")
        if not field or not (freshness.get("warn_after") or freshness.get("error_after")):
            continue
        rules.append(
            FreshnessRule(
                source=source["source_name"],
                table=source["name"],
                schema=source["schema"],
                loaded_at_field=field,
                warn_after_days=_days(freshness.get("warn_after")),
                error_after_days=_days(freshness.get("error_after")),
            )
        )
    return sorted(rules, key=lambda rule: rule.table)


def measure(
    warehouse_path: Path, rules: Sequence[FreshnessRule], as_of: date
) -> list[FreshnessResult]:
    """Age of each table's newest row at the end of ``as_of`` (UTC), read-only."""
    end_of_day = datetime(as_of.year, as_of.month, as_of.day) + timedelta(days=1)
    results = []
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        for rule in rules:
            row = con.execute(
                f'select cast(max("{rule.loaded_at_field}") as timestamp) '
                f'from "{rule.schema}"."{rule.table}"'
            ).fetchone()
            latest = row[0] if row else None
            if latest is None:
                results.append(FreshnessResult(rule, None, None, "error"))
                continue
            if not isinstance(latest, datetime):  # a date column
                latest = datetime(latest.year, latest.month, latest.day)
            age = (end_of_day - latest.replace(tzinfo=None)).total_seconds() / 86400
            results.append(FreshnessResult(rule, latest, age, _status(rule, age)))
    return results


def _status(rule: FreshnessRule, age_days: float) -> str:
    if rule.error_after_days is not None and age_days > rule.error_after_days:
        return "error"
    if rule.warn_after_days is not None and age_days > rule.warn_after_days:
        return "warn"
    return "pass"


def _days(threshold: Mapping[str, Any] | None) -> float | None:
    if not threshold or threshold.get("count") is None:
        return None
    return float(threshold["count"]) * PERIOD_DAYS[threshold.get("period", "day")]
