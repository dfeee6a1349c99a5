"""Measure parse + land speed on a generated deals CSV.

``python -m ingestion.files.benchmark --rows 5000000 [--dir /tmp/files-bench]`` writes a
CSV of ``rows`` deals (id, owner, stage, amount, currency, created, closed), imports it
through a mapping into a fresh DuckDB warehouse and prints rows/s for the validation
(read + parse + check, in memory) and for the whole import (validation + dlt land).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

MAPPING = """
files:
  deals: {path: deals.csv, delimiter: ","}
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


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    created = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 3 * 365 * 86400, rows).astype(
        "timedelta64[s]"
    )
    closed = created + rng.integers(86400, 200 * 86400, rows).astype("timedelta64[s]")
    table = pa.table(
        {
            "id": pa.array(np.char.add("deal-", np.arange(rows).astype(str))),
            "owner": pa.array(np.char.add("rep-", rng.integers(0, 500, rows).astype(str))),
            "stage": pa.array(np.array(["open", "won", "lost"])[rng.integers(0, 3, rows)]),
            "amount": pa.array(np.round(rng.lognormal(10, 1, rows), 2)),
            "currency": pa.array(np.array(["USD", "EUR", "GBP"])[rng.integers(0, 3, rows)]),
            "created": pa.array(np.datetime_as_string(created, unit="s")),
            "closed": pa.array(np.datetime_as_string(closed, unit="s")),
        }
    )
    pacsv.write_csv(table, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/files-bench"))
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    from ingestion.files.build import build_tables
    from ingestion.files.mapping import load_mapping
    from ingestion.files.source import _files_source, files_pipeline

    args.dir.mkdir(parents=True, exist_ok=True)
    data = args.dir / "deals.csv"
    if not data.exists() or data.read_bytes().count(b"\n") - 1 != args.rows:
        write_csv(data, args.rows)
    (args.dir / "mapping.yaml").write_text(MAPPING)
    warehouse = args.dir / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    started = time.perf_counter()
    result = build_tables(load_mapping(args.dir / "mapping.yaml"))
    parsed = time.perf_counter() - started
    files_pipeline(warehouse, args.dir / "dlt").run(_files_source(result.tables))
    total = time.perf_counter() - started
    size = data.stat().st_size / 1e6
    print(
        f"{args.rows:,} rows, {size:,.0f} MB CSV: read+parse+validate {parsed:.2f} s "
        f"({args.rows / parsed / 1e6:.2f}M rows/s); with dlt land {total:.2f} s "
        f"({args.rows / total / 1e6:.2f}M rows/s)"
    )


if __name__ == "__main__":
    main()
