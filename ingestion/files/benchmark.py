"""Ingest speed: the file importer (CSV, Parquet) and the demo CRM generator through dlt.

``python -m ingestion.files.benchmark --source csv --rows 5000000 [--dir /tmp/files-bench]``
writes a file of ``rows`` deals (id, owner, stage, amount, currency, created, closed),
imports it through a mapping into a fresh DuckDB warehouse and prints rows/s for the
validation (read + parse + check, in memory) and for the whole import (validation + dlt
extract, normalize, load). ``--source parquet`` does the same from a typed Parquet file.
``--source demo_crm --rows 1000000`` (rows = deals) times the generator alone (Arrow), then
the demo CRM's dlt source end to end into DuckDB (all 17 raw tables; rows/s are raw rows).

Before the timed run, a tiny run through the same code pays the one-off costs (imports,
dlt's lazy set-up), so the figures are per-row throughput; that warm-up is printed apart.
Each phase reports wall seconds and the process's CPU seconds (user + system, all
threads); the load average is printed at start and end, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

MAPPING = """
files:
  deals: {path: deals.%(ext)s, delimiter: ","}
tables:
  deals:
    from: deals
    columns:
      deal_id: id
      owner_id: owner
      stage_id: stage
      amount: amount
      currency: currency
      created_at: created
      closed_at: closed
      is_won: {column: stage, map: {won: true}, else: false}
      is_closed: {column: stage, map: {won: true, lost: true}, else: false}
"""
AS_OF = date(2026, 11, 15)


def deals_table(rows: int, seed: int = 1, text: bool = True) -> pa.Table:
    """The benchmark's deals; ``text``: timestamps as ISO strings (as in a CSV export)."""
    rng = np.random.default_rng(seed)
    created = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 3 * 365 * 86400, rows).astype(
        "timedelta64[s]"
    )
    closed = created + rng.integers(86400, 200 * 86400, rows).astype("timedelta64[s]")
    stamps: Callable[[np.ndarray], pa.Array] = (
        (lambda a: pa.array(np.datetime_as_string(a, unit="s"))) if text else pa.array
    )
    return pa.table(
        {
            "id": pa.array(np.char.add("deal-", np.arange(rows).astype(str))),
            "owner": pa.array(np.char.add("rep-", rng.integers(0, 500, rows).astype(str))),
            "stage": pa.array(np.array(["open", "won", "lost"])[rng.integers(0, 3, rows)]),
            "amount": pa.array(np.round(rng.lognormal(10, 1, rows), 2)),
            "currency": pa.array(np.array(["USD", "EUR", "GBP"])[rng.integers(0, 3, rows)]),
            "created": stamps(created),
            "closed": stamps(closed),
        }
    )


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    pacsv.write_csv(deals_table(rows, seed), path)


def write_input(directory: Path, fmt: str, rows: int) -> Path:
    """The input file and its mapping in ``directory`` (the file is reused if it fits)."""
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / f"deals.{fmt}"
    if fmt == "csv":
        if not data.exists() or data.read_bytes().count(b"\n") - 1 != rows:
            write_csv(data, rows)
    elif not data.exists() or pq.ParquetFile(data).metadata.num_rows != rows:
        pq.write_table(deals_table(rows, text=False), data)
    (directory / "mapping.yaml").write_text(MAPPING % {"ext": fmt})
    return data


class Clock:
    """Wall and CPU seconds (this process, all threads) per named phase."""

    def __init__(self) -> None:
        self.phases: dict[str, dict[str, float]] = {}

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime
        started = time.perf_counter()
        result = fn()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.phases[name] = {
            "wall": time.perf_counter() - started,
            "cpu": usage.ru_utime + usage.ru_stime - cpu,
        }
        return result

    def line(self, name: str, rows: int) -> str:
        phase = self.phases[name]
        return (
            f"  {name:<22} {phase['wall']:7.2f} s wall {phase['cpu']:7.2f} s cpu "
            f"{rows / phase['wall'] / 1e6:6.2f}M rows/s"
        )


def _pipeline(directory: Path, name: str, dataset: str):
    import dlt

    warehouse = directory / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    shutil.rmtree(directory / "dlt", ignore_errors=True)
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name=dataset,
        pipelines_dir=str(directory / "dlt"),
    )


def _land(clock: Clock, pipeline, source) -> int:
    """Extract, normalize, load (each timed); the rows landed in the canonical tables."""
    clock.run("dlt extract", lambda: pipeline.extract(source))
    clock.run("dlt normalize", pipeline.normalize)
    clock.run("dlt load", lambda: pipeline.load(raise_on_failed_jobs=True))
    import duckdb

    from ingestion.demo_crm.schema import SCHEMAS

    with duckdb.connect(str(pipeline.destination_client().config.credentials.database)) as con:
        return sum(
            con.execute(f"select count(*) from {pipeline.dataset_name}.{name}").fetchone()[0]
            for name in SCHEMAS
        )


def run_files(fmt: str, rows: int, directory: Path, clock: Clock) -> int:
    from ingestion.files.build import build_tables
    from ingestion.files.mapping import load_mapping
    from ingestion.files.source import DATASET, _files_source

    data = write_input(directory, fmt, rows)
    mapping = load_mapping(directory / "mapping.yaml")
    pipeline = _pipeline(directory, "salespulse_files", DATASET)
    started = time.perf_counter()
    result = clock.run("read+parse+validate", lambda: build_tables(mapping))
    landed = _land(clock, pipeline, _files_source(result.tables))
    if landed != rows:
        raise SystemExit(f"{rows:,} rows imported but {landed:,} landed")
    clock.phases["end to end"] = {
        "wall": time.perf_counter() - started,
        "cpu": sum(p["cpu"] for p in clock.phases.values()),
    }
    print(f"{rows:,} rows, {data.stat().st_size / 1e6:,.0f} MB {fmt}")
    return rows


def run_demo_crm(deals: int, directory: Path, clock: Clock) -> int:
    from ingestion.demo_crm import DemoCrmConfig, demo_crm_source
    from ingestion.demo_crm.generate import generate_org_tables, iter_chunks

    config = DemoCrmConfig(size=deals, as_of=AS_OF)

    def generate() -> int:
        total = sum(t.num_rows for t in generate_org_tables(config).values())
        for chunk in iter_chunks(config):
            total += sum(t.num_rows for t in chunk.values())
        return total

    rows = clock.run("generate (Arrow)", generate)
    pipeline = _pipeline(directory, "demo_crm", "raw_demo_crm")
    started = time.perf_counter()
    landed = _land(clock, pipeline, demo_crm_source(config))
    if landed != rows:
        raise SystemExit(f"{rows:,} rows generated but {landed:,} landed")
    clock.phases["end to end"] = {
        "wall": time.perf_counter() - started,
        "cpu": sum(clock.phases[p]["cpu"] for p in ("dlt extract", "dlt normalize", "dlt load")),
    }
    print(f"{deals:,} deals, {rows:,} raw rows (17 tables)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", choices=("csv", "parquet", "demo_crm"), default="csv")
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows (demo_crm: deals)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/files-bench"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    os.environ.setdefault("DLT_PROJECT_DIR", str(Path(__file__).resolve().parents[2]))
    load_start = os.getloadavg()
    run = run_demo_crm if args.source == "demo_crm" else None

    def once(rows: int, directory: Path, clock: Clock) -> int:
        if run is not None:
            return run(rows, directory, clock)
        return run_files(args.source, rows, directory, clock)

    warm = Clock()
    warm_started = time.perf_counter()
    once(1_000, args.dir / "warm-up", warm)
    warm_s = time.perf_counter() - warm_started
    print(f"(warm-up run, imports and dlt set-up: {warm_s:.1f} s)")
    clock = Clock()
    rows = once(args.rows, args.dir / args.source, clock)
    load_end = os.getloadavg()
    for name in clock.phases:
        print(clock.line(name, rows))
    print(f"load average: {load_start[0]:.2f} at start, {load_end[0]:.2f} at end (2 cores)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "source": args.source,
                    "rows": rows,
                    "size": args.rows,
                    "phases": clock.phases,
                    "warm_up_s": warm_s,
                    "load_average": [load_start, load_end],
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
