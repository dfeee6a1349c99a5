"""Generate the demo CRM to Parquet and report throughput.

    python -m ingestion.demo_crm --size 1000000 [--as-of 2026-06-30] [--out DIR] [--seed 42]

Without ``--out`` the tables are generated and discarded (a pure generation benchmark).
Prints rows and rows/s per table: a table's seconds are its own extraction time plus its
share (by rows) of building the blocks it comes from; the one-off world build (people,
FX, quota calibration on block 0) is reported separately.
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.generate import DEFAULT_CHUNK_DEALS, generate_org_tables, iter_chunks
from ingestion.demo_crm.schema import SCHEMAS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ingestion.demo_crm", description="Generate the demo CRM."
    )
    parser.add_argument("--size", type=int, default=10_000, help="deals over the horizon")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--mess-rate", type=float, default=0.02)
    parser.add_argument("--chunk-deals", type=int, default=DEFAULT_CHUNK_DEALS)
    parser.add_argument("--out", type=Path, default=None, help="write DIR/<table>.parquet")
    args = parser.parse_args(argv)
    config = DemoCrmConfig(
        size=args.size, seed=args.seed, as_of=args.as_of, mess_rate=args.mess_rate
    )
    writers: dict[str, pq.ParquetWriter] = {}
    rows = dict.fromkeys(SCHEMAS, 0)
    timings: dict[str, float] = {}
    write_s = 0.0

    def write(name: str, table: pa.Table) -> None:
        nonlocal write_s
        rows[name] += table.num_rows
        if args.out is None:
            return
        start = time.perf_counter()
        if name not in writers:
            args.out.mkdir(parents=True, exist_ok=True)
            writers[name] = pq.ParquetWriter(args.out / f"{name}.parquet", SCHEMAS[name])
        writers[name].write_table(table)
        write_s += time.perf_counter() - start

    start = time.perf_counter()
    chunks = iter_chunks(config, args.chunk_deals, timings)
    first = next(chunks)  # builds the world
    for name, table in generate_org_tables(config, timings).items():
        write(name, table)
    for chunk in itertools.chain([first], chunks):
        for name, table in chunk.items():
            write(name, table)
    for writer in writers.values():
        writer.close()
    wall = time.perf_counter() - start
    print(f"demo_crm size={config.size:,} as_of={config.extract_date} seed={config.seed}")
    for name in SCHEMAS:
        secs = timings.get(name, 0.0)
        rate = f"{rows[name] / secs:>14,.0f} rows/s" if secs > 0 else ""
        print(f"  {name:<24}{rows[name]:>14,} rows {rate}")
    total = sum(rows.values())
    gen_s = sum(timings.values())
    print(f"  {'world build':<24}{timings.get('world', 0.0):>14.2f} s")
    print(
        f"  {'total':<24}{total:>14,} rows  generation {gen_s:.2f}s "
        f"({total / gen_s:,.0f} rows/s)  parquet {write_s:.2f}s  wall {wall:.2f}s"
    )


if __name__ == "__main__":
    main()
