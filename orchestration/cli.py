"""The ``salespulse`` command line.

    salespulse run [--as-of YYYY-MM-DD] [--source CRM] [--size N] [--cadence weekly|quarterly]
    salespulse import --mapping FILE [--as-of YYYY-MM-DD] [--history-start YYYY-MM-DD]
    salespulse status [--json]
    salespulse lineage TABLE.COLUMN [--json]
    salespulse reports check [--published FILE] [--json]
    salespulse bench [--size S|M|L] [--json PATH] [--keep]   (the benchmark: bench/)

``run`` executes the same Dagster job the schedules launch, in this process, and prints
its progress; ``status`` lists the last runs and what is published.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from orchestration.partitions import quarterly_as_of, weekly_as_of
from orchestration.settings import CRM_SOURCES, Settings


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["reports", "check"]:  # its own options: orchestration/reports_check.py
        from orchestration.reports_check import main as reports_check

        return reports_check(argv[2:])
    if argv[:1] == ["bench"]:  # its own options: bench/ (beside the packages, not installed)
        from orchestration.settings import PROJECT_ROOT

        if str(PROJECT_ROOT) not in sys.path:
            sys.path.insert(0, str(PROJECT_ROOT))
        from bench.cli import main as bench

        return bench(argv[1:])
    args = _parser().parse_args(argv)
    settings = Settings.from_env()
    if args.command == "run":
        if args.source:
            settings = replace(settings, crm_source=args.source)
        return run(settings, args)
    if args.command == "import":
        return import_files(settings, args)
    if args.command == "lineage":
        return lineage(settings, args.column, as_json=args.json)
    return status(settings, as_json=args.json, limit=args.runs)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salespulse", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run_cmd = commands.add_parser("run", help="ingest, build and publish as of a date")
    run_cmd.add_argument("--as-of", type=_iso_date, help="as-of date (default: the schedule's)")
    run_cmd.add_argument("--cadence", choices=["weekly", "quarterly"], default="weekly")
    run_cmd.add_argument(
        "--source", choices=CRM_SOURCES, help="CRM source (default: $SALESPULSE_CRM_SOURCE)"
    )
    run_cmd.add_argument("--size", type=int, default=10_000, help="demo CRM deals (default 10000)")
    run_cmd.add_argument("--seed", type=int, default=42, help="demo CRM random seed")
    run_cmd.add_argument("--mess-rate", type=float, default=0.02, help="demo CRM mess rate")

    import_cmd = commands.add_parser(
        "import", help="import CRM file exports through a mapping, build and publish"
    )
    import_cmd.add_argument("--mapping", required=True, type=Path, help="the YAML mapping")
    import_cmd.add_argument(
        "--as-of", type=_iso_date, help="as-of date (default: the mapping's snapshot_date)"
    )
    import_cmd.add_argument(
        "--history-start",
        type=_iso_date,
        help="first day of reporting history (default: the month of the first deal)",
    )
    import_cmd.add_argument("--cadence", choices=["weekly", "quarterly"], default="weekly")

    status_cmd = commands.add_parser("status", help="last runs and the published tables")
    status_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    status_cmd.add_argument("--runs", type=int, default=10, help="how many runs to list")

    reports_cmd = commands.add_parser("reports", help="report pages: `reports check [--help]`")
    reports_cmd.add_argument("action", choices=["check"])

    lineage_cmd = commands.add_parser(
        "lineage", help="where a published column comes from, down to the raw CRM fields"
    )
    lineage_cmd.add_argument("column", help="TABLE.COLUMN of a published table, e.g. deals.amount")
    lineage_cmd.add_argument("--json", action="store_true", help="machine-readable output")

    commands.add_parser(
        "bench", help="time the refresh against a plain-DuckDB floor: `bench --help`"
    )
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def default_as_of(settings: Settings, cadence: str, now: datetime | None = None) -> date:
    """The as-of date the schedule of ``cadence`` would use right now."""
    tick = (now or datetime.now(ZoneInfo(settings.timezone))).astimezone(
        ZoneInfo(settings.timezone)
    )
    if cadence == "quarterly":
        return quarterly_as_of(tick, settings.fiscal_year_start_month)
    return weekly_as_of(tick)


def run(settings: Settings, args: argparse.Namespace) -> int:
    as_of = args.as_of or default_as_of(settings, args.cadence)
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    if not date.fromisoformat(settings.history_start) <= as_of < today:
        print(
            f"salespulse: --as-of must be a complete day between {settings.history_start} "
            f"and yesterday ({today.isoformat()} is not over yet in {settings.timezone}); "
            f"got {as_of.isoformat()}",
            file=sys.stderr,
        )
        return 2

    from orchestration.instance import get_instance

    instance = get_instance(settings)
    what = {
        "demo_crm": f"demo CRM, {getattr(args, 'size', 0):,} deals",
        "files": f"file export {settings.files_mapping}",
    }.get(settings.crm_source, f"{settings.crm_source} API")
    print(f"salespulse: {args.cadence} run as of {as_of} ({what})", flush=True)
    print("salespulse: loading definitions (dbt manifest, dlt source)...", flush=True)
    from orchestration.assembly import build_definitions
    from orchestration.defs.publishing import CADENCE_TAG
    from orchestration.defs.schedules import QUARTERLY_JOB, WEEKLY_JOB

    defs = build_definitions(settings)
    job = defs.resolve_job_def(QUARTERLY_JOB if args.cadence == "quarterly" else WEEKLY_JOB)
    started = time.monotonic()
    result = job.execute_in_process(
        partition_key=as_of.isoformat(),
        instance=instance,
        tags={CADENCE_TAG: args.cadence},
        run_config={
            "loggers": {"console": {"config": {"log_level": "INFO"}}},
            "resources": (
                {
                    "demo_crm": {
                        "config": {
                            "size": args.size,
                            "seed": args.seed,
                            "mess_rate": args.mess_rate,
                        }
                    }
                }
                if settings.crm_source == "demo_crm"
                else {}
            ),
        },
        raise_on_error=False,
    )
    elapsed = time.monotonic() - started
    verdict = "succeeded" if result.success else "FAILED"
    print(f"salespulse: run {result.run_id} {verdict} in {elapsed:.1f}s", flush=True)
    if result.success:
        _print_published(published_summary(settings.published_path))
    return 0 if result.success else 1


def import_files(settings: Settings, args: argparse.Namespace) -> int:
    """Validate an export against its mapping (a bad file stops here, naming file, line and
    column; nothing is landed), then run the refresh with ``crm_source = files``."""
    from ingestion.files import FileImportError, import_tables, load_mapping

    try:
        mapping = load_mapping(args.mapping)
        imported = import_tables(mapping)
    except FileImportError as error:
        print(f"salespulse: import failed: {error}", file=sys.stderr)
        return 2
    print(f"salespulse: {args.mapping}: {imported.tables['deals'].num_rows:,} deals valid")
    as_of = args.as_of or mapping.snapshot_date
    history_start = args.history_start or _first_deal_month(imported.tables["deals"])
    settings = replace(
        settings,
        crm_source="files",
        files_mapping=str(args.mapping.resolve()),
        history_start=(history_start or date.fromisoformat(settings.history_start)).isoformat(),
    )
    args.as_of = as_of
    return run(settings, args)


def _first_deal_month(deals: Any) -> date | None:
    import pyarrow.compute as pc

    first = pc.min(deals["created_at"]).as_py()
    return first.date().replace(day=1) if first else None


def published_summary(path: Path) -> dict[str, Any]:
    """What the published file holds: its publication and each table's row count."""
    import duckdb

    if not path.exists():
        return {"path": str(path), "published": False}
    with duckdb.connect(str(path), read_only=True) as con:
        pub = con.execute(
            "select run_id, cast(as_of_date as varchar), cadence, code_version, "
            "cast(published_at as varchar) from publication"
        ).fetchone()
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' order by 1"
            ).fetchall()
        ]
        tables = {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}
        log = con.execute(
            "select cast(as_of_date as varchar), cadence, run_id from publication_log "
            "order by published_at desc limit 20"
        ).fetchall()
        quarantine = (
            con.execute(
                "select raw_table, rule, count(*) from quarantine group by 1, 2 order by 1, 2"
            ).fetchall()
            if "quarantine" in tables
            else []
        )
    keys = ["run_id", "as_of_date", "cadence", "code_version", "published_at"]
    return {
        "path": str(path),
        "published": True,
        "publication": dict(zip(keys, pub, strict=True)) if pub else None,
        "tables": tables,
        "publications": [
            dict(zip(["as_of_date", "cadence", "run_id"], r, strict=True)) for r in log
        ],
        "quarantine_by_rule": {f"{table}.{rule}": n for table, rule, n in quarantine},
    }


def _print_published(summary: dict[str, Any]) -> None:
    if not summary.get("published"):
        print(f"published: nothing yet at {summary['path']}")
        return
    pub = summary["publication"] or {}
    print(f"published: {summary['path']}")
    print(
        f"  as of {pub.get('as_of_date')} ({pub.get('cadence')}), run {pub.get('run_id')}, "
        f"code {pub.get('code_version')}, at {pub.get('published_at')} UTC"
    )
    width = max(len(n) for n in summary["tables"])
    for name, rows in summary["tables"].items():
        print(f"  {name:<{width}}  {rows:>10,} rows")
    quarantined = summary.get("quarantine_by_rule", {})
    print(f"quarantine: {sum(quarantined.values()):,} rows held back by row-level rules")
    for rule, rows in quarantined.items():
        print(f"  {rule:<{width}}  {rows:>10,} rows")


def status(settings: Settings, *, as_json: bool, limit: int) -> int:
    from orchestration.instance import get_instance

    instance = get_instance(settings)
    runs = []
    for record in instance.get_run_records(limit=limit):
        run_ = record.dagster_run
        runs.append(
            {
                "run_id": run_.run_id,
                "job": run_.job_name,
                "status": run_.status.value,
                "as_of_date": run_.tags.get("dagster/partition"),
                "cadence": run_.tags.get("salespulse/cadence"),
                "started_at": _iso(record.start_time),
                "ended_at": _iso(record.end_time),
            }
        )
    summary = published_summary(settings.published_path)
    if as_json:
        print(json.dumps({"runs": runs, "published": summary}, indent=2))
        return 0
    print(f"runs (latest {limit}, Dagster home {settings.dagster_home}):")
    for r in runs:
        print(
            f"  {r['run_id'][:8]}  {r['job']:<16} {r['status']:<10} as of {r['as_of_date']}  "
            f"started {r['started_at']}"
        )
    if not runs:
        print("  none yet: try `salespulse run`")
    _print_published(summary)
    return 0


def lineage(settings: Settings, target: str, *, as_json: bool) -> int:
    """Print the hops from a published column to the raw CRM fields it depends on."""
    import duckdb

    from orchestration.lineage import LINEAGE_TABLE, raw_fields, read_edges, trace

    parts = target.split(".")
    if len(parts) not in (2, 3):
        print(f"salespulse: expected TABLE.COLUMN, got {target!r}", file=sys.stderr)
        return 2
    table, column = (f"marts.{parts[0]}" if len(parts) == 2 else ".".join(parts[:2])), parts[-1]
    if not settings.published_path.exists():
        print(f"salespulse: nothing published yet at {settings.published_path}", file=sys.stderr)
        return 1
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        edges = read_edges(con, LINEAGE_TABLE)
        published_column = con.execute(
            "select count(*) from information_schema.columns "
            "where table_name = ? and column_name = ?",
            [table.split(".", 1)[1], column],
        ).fetchone()[0]
    known = (
        published_column
        if table.startswith("marts.")
        else any(e.table == table and e.column == column for e in edges)
    )
    hops = trace(edges, table, column) if known else []
    if not hops:
        print(f"salespulse: no lineage for {table}.{column}", file=sys.stderr)
        return 1
    fields = sorted(raw_fields(edges, table, column))
    if as_json:
        payload = {
            "column": f"{table}.{column}",
            "raw_fields": fields,
            "hops": [{"depth": depth, **vars(edge)} for depth, edge in hops],
        }
        print(json.dumps(payload, indent=2))
        return 0
    print(f"{table}.{column}")
    for depth, edge in hops:
        arrow = "<-" if edge.kind == "value" else "<- (rows filtered/joined by)"
        where = f"{edge.upstream_table}.{edge.upstream_column}"
        expression = f"   [{edge.expression}]" if edge.expression else ""
        print(f"{'  ' * (depth + 1)}{arrow} {where}{expression}")
    print(f"raw CRM fields ({len(fields)}):")
    for name in fields:
        print(f"  {name}")
    return 0


def _iso(timestamp: float | None) -> str | None:
    return (
        datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")
        if timestamp
        else None
    )


def entry() -> None:
    """The ``salespulse`` command: ``main()``, then exit at once.

    Everything a command does is committed when ``main()`` returns (Dagster's event log,
    the warehouse, the published file), but tearing the interpreter down then took 3-13 s
    of native cleanup (DuckDB and Dagster objects; docs/performance.md). Streams and log
    handlers are flushed, then the process exits without that teardown."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    entry()
