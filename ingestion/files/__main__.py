"""``python -m ingestion.files validate --mapping M`` / ``load --mapping M --warehouse PATH``.

A ``FileImportError`` is printed as one line (file, line, column, message) without a
stack trace, and the exit code is 2; nothing is landed then.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ingestion.files.build import build_tables
from ingestion.files.errors import FileImportError
from ingestion.files.mapping import load_mapping


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.files", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser(
        "validate", help="read and check every file of a mapping; land nothing"
    )
    validate.add_argument("--mapping", required=True, type=Path)
    load = sub.add_parser("load", help="validate, then land all 17 tables into raw_files (replace)")
    load.add_argument("--mapping", required=True, type=Path)
    load.add_argument("--warehouse", required=True, type=Path, help="DuckDB file")
    args = parser.parse_args(argv)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    started = time.perf_counter()
    try:
        result = build_tables(load_mapping(args.mapping))
    except FileImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = sum(t.num_rows for t in result.tables.values())
    print(result.summary())
    print(f"validated {rows:,} rows in {time.perf_counter() - started:.2f} s")
    if args.command == "load":
        from ingestion.files.source import _files_source, files_pipeline

        args.warehouse.parent.mkdir(parents=True, exist_ok=True)
        info = files_pipeline(args.warehouse).run(_files_source(result.tables))
        print(info)
        print(f"landed {rows:,} rows into raw_files in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
