"""The floor: the demo CRM generated (timed alone) and written as Parquet, then one plain
DuckDB script (``floor.sql``) computing the core marts from those files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

FLOOR_SQL = Path(__file__).with_name("floor.sql")
FLOOR_TABLES = (
    "floor_stage_durations",
    "floor_rep_performance_monthly",
    "floor_activity_weekly",
    "floor_customer_churn_monthly",
)
FLOOR_INPUTS = (
    "deals",
    "deal_stage_history",
    "pipeline_stages",
    "leads",
    "fx_rates",
    "activities",
    "subscriptions",
)
"""The raw tables the floor reads."""


@dataclass
class Generated:
    """The demo CRM at one size: rows per table and the seconds generation alone took."""

    rows: dict[str, int]
    generate_s: float
    write_s: float
    out: Path | None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def generate(
    size: int, as_of: date, out: Path | None, seed: int = 42, mess_rate: float = 0.02
) -> Generated:
    """Generate the demo CRM as of ``as_of`` (streamed in the dlt source's chunks) and, with
    ``out``, write ``out/<table>.parquet``; generation and writing are timed apart."""
    import itertools

    import pyarrow.parquet as pq

    from ingestion.demo_crm import DEFAULT_CHUNK_DEALS, DemoCrmConfig, iter_chunks
    from ingestion.demo_crm.generate import generate_org_tables
    from ingestion.demo_crm.schema import SCHEMAS

    config = DemoCrmConfig(size=size, seed=seed, as_of=as_of, mess_rate=mess_rate)
    rows = dict.fromkeys(SCHEMAS, 0)
    timings: dict[str, float] = {}
    writers: dict[str, pq.ParquetWriter] = {}
    write_s = 0.0

    def write(name: str, table: object) -> None:
        nonlocal write_s
        rows[name] += table.num_rows  # type: ignore[attr-defined]
        if out is None:
            return
        start = time.perf_counter()
        if name not in writers:
            out.mkdir(parents=True, exist_ok=True)
            writers[name] = pq.ParquetWriter(out / f"{name}.parquet", SCHEMAS[name])
        writers[name].write_table(table)
        write_s += time.perf_counter() - start

    start = time.perf_counter()
    chunks = iter_chunks(config, DEFAULT_CHUNK_DEALS, timings)
    first = next(chunks)
    for name, table in generate_org_tables(config, timings).items():
        write(name, table)
    for chunk in itertools.chain([first], chunks):
        for name, table in chunk.items():
            write(name, table)
        del chunk
    for writer in writers.values():
        writer.close()
    wall = time.perf_counter() - start
    return Generated(
        rows=rows, generate_s=wall - write_s, write_s=write_s, out=out, timings=timings
    )


def floor_sql(data: Path, as_of: date, history_start: str = "2024-01-01") -> str:
    """The floor script with its placeholders filled in (reporting zone UTC)."""
    cutoff = as_of + timedelta(days=1)
    return FLOOR_SQL.read_text().format(
        data=str(data),
        as_of=as_of.isoformat(),
        cutoff=f"{cutoff.isoformat()} 00:00:00",
        history_start=history_start,
    )


def run_floor(data: Path, as_of: date, database: str = ":memory:") -> tuple[float, dict[str, int]]:
    """Run the floor script on a fresh DuckDB connection: (seconds, rows per output)."""
    import duckdb

    sql = floor_sql(data, as_of)
    with duckdb.connect(database) as con:
        start = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - start
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in FLOOR_TABLES}
    return seconds, counts


def floor_record(
    runs: list[float], outputs: dict[str, int], gen: Generated, **extra: str
) -> dict[str, object]:
    """The floor as the JSON keeps it: the best of ``runs``, each run, what it computed."""
    return {
        "seconds": min(runs),
        "runs": runs,
        "outputs": outputs,
        **extra,
        "parquet_write_s": gen.write_s,
    }
