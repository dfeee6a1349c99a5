"""Row volume against the previous run: a warning when a table's row count moves too much.

Counts are kept in the warehouse itself, ``quality.row_counts`` (one row per table and run),
so the comparison survives restarts and travels with the data it describes. The previous
count is the latest one recorded by another run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration.warehouse import connect as warehouse_connection

QUALITY_SCHEMA = "quality"
ROW_COUNTS = f"{QUALITY_SCHEMA}.row_counts"
MAX_RELATIVE_CHANGE = 0.5
"""Warn when a count moves by more than this share of the previous count (either way)."""


@dataclass(frozen=True)
class VolumeOutcome:
    """A table's row count now and in the previous run, and whether the change is acceptable."""

    table: str
    row_count: int
    previous_count: int | None
    previous_run_id: str | None
    max_relative_change: float = MAX_RELATIVE_CHANGE

    @property
    def relative_change(self) -> float | None:
        if self.previous_count is None:
            return None
        if self.previous_count == 0:
            return 0.0 if self.row_count == 0 else float("inf")
        return (self.row_count - self.previous_count) / self.previous_count

    @property
    def passed(self) -> bool:
        change = self.relative_change
        return change is None or abs(change) <= self.max_relative_change

    @property
    def description(self) -> str:
        if self.previous_count is None:
            return f"{self.table}: {self.row_count} rows (no previous run recorded)"
        return (
            f"{self.table}: {self.row_count} rows, previous run {self.previous_count} "
            f"({self.relative_change:+.1%}; warning beyond ±{self.max_relative_change:.0%})"
        )


def record_and_compare(
    warehouse: Path,
    tables: Sequence[str],
    run_id: str,
    partition_key: str | None,
    max_relative_change: float = MAX_RELATIVE_CHANGE,
) -> list[VolumeOutcome]:
    """Count each schema-qualified table, compare with the previous run, record the count.

    Opens the warehouse read-write for one short transaction (the pipeline's single writer
    is this run, between dbt and publishing); the connection is closed on return.
    """
    outcomes: list[VolumeOutcome] = []
    with warehouse_connection(warehouse) as con:
        con.execute(f"create schema if not exists {QUALITY_SCHEMA}")
        con.execute(
            f"create table if not exists {ROW_COUNTS} (table_name varchar, row_count bigint, "
            "run_id varchar, partition_key varchar, recorded_at timestamp)"
        )
        con.execute("begin transaction")
        for table in tables:
            count = con.execute(f"select count(*) from {table}").fetchone()[0]
            previous = con.execute(
                f"select row_count, run_id from {ROW_COUNTS} where table_name = ? "
                "and run_id <> ? order by recorded_at desc limit 1",
                [table, run_id],
            ).fetchone()
            outcomes.append(
                VolumeOutcome(
                    table=table,
                    row_count=count,
                    previous_count=previous[0] if previous else None,
                    previous_run_id=previous[1] if previous else None,
                    max_relative_change=max_relative_change,
                )
            )
            con.execute(
                f"delete from {ROW_COUNTS} where table_name = ? and run_id = ?", [table, run_id]
            )
            con.execute(
                f"insert into {ROW_COUNTS} values (?, ?, ?, ?, ?)",
                [table, count, run_id, partition_key, datetime.now(UTC).replace(tzinfo=None)],
            )
        con.execute("commit")
    return outcomes
