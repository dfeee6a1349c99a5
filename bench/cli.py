"""``python -m bench`` / ``salespulse bench``: the benchmark's command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench import SIZES


def size_arg(text: str) -> tuple[str, int]:
    """S, M, L, or a number of deals."""
    if text.upper() in SIZES:
        return text.upper(), SIZES[text.upper()]
    try:
        deals = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected S, M, L or a number of deals, got {text!r}"
        ) from None
    if deals < 100:
        raise argparse.ArgumentTypeError("at least 100 deals")
    return str(deals), deals


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--size", type=size_arg, default=("S", SIZES["S"]),
        help="S (10k deals), M (1M), L (10M) or a number of deals (default S)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (homes, Parquet)")
    parser.add_argument("--as-of", type=date.fromisoformat, help="as-of date (default 2026-11-15)")
    parser.add_argument(
        "--baseline", action=argparse.BooleanOptionalAction, default=None,
        help="also run the refresh at 10k deals to estimate each stage's fixed cost "
        "(default: on above 10k deals)",
    )  # fmt: skip
    parser.add_argument(
        "--no-parse-probe", action="store_true",
        help="skip timing imports, definitions load and dbt parse on their own",
    )  # fmt: skip
    parser.add_argument(
        "--next-week", action="store_true",
        help="then run the refresh again in the same home as of a week earlier (the steady "
        "state: a new as-of date, lineage cached, dlt state kept)",
    )  # fmt: skip
    parser.add_argument(
        "--weekly", action="store_true",
        help="also the realistic schedule: a home refreshed as of the week before --as-of, "
        "then as of --as-of (incremental: dlt merges what changed, dbt's incremental models "
        "recompute new weeks and changed deals); reported against the full refresh",
    )  # fmt: skip
    parser.add_argument(
        "--weekly-only", action="store_true",
        help="only the weekly schedule, in one home: a fresh home refreshed as of the week "
        "before --as-of (a full refresh), then as of --as-of, reported against the first; the "
        "first against the floor on its data; no baseline (for L, where --weekly's two homes "
        "do not fit on the disk)",
    )  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="work here instead of a temp dir")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = add_arguments(
        argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    )
    args = parser.parse_args(argv)
    if args.weekly and args.weekly_only:
        parser.error("--weekly and --weekly-only: choose one")
    if problem := output_deleted_with_workdir(args):
        parser.error(problem)
    return run(args)


def output_deleted_with_workdir(args: argparse.Namespace) -> str | None:
    """Why the run's results would be lost, if they would: a --json file inside a --workdir
    that the benchmark deletes at the end (no --keep) goes with it, after a run that may
    have taken half an hour."""
    if args.json is None or args.workdir is None or args.keep:
        return None
    json_path, workdir = args.json.resolve(), args.workdir.resolve()
    if json_path.is_relative_to(workdir):
        return (
            f"--json {args.json} is inside --workdir {args.workdir}, which is deleted when "
            "the benchmark ends: write the JSON elsewhere, or pass --keep"
        )
    return None


def run(args: argparse.Namespace) -> int:
    from bench import DEFAULT_AS_OF
    from bench.runner import run_bench
    from bench.weekly import run_weekly_only

    label, deals = args.size
    common = {
        "as_of": args.as_of or DEFAULT_AS_OF,
        "json_path": args.json,
        "keep": args.keep,
        "workdir": args.workdir,
    }
    if args.weekly_only:
        weekly = run_weekly_only(label, deals, **common)["weekly_refresh"]
        return 0 if weekly["refresh"]["returncode"] == 0 else 1
    result = run_bench(
        label,
        deals,
        small_baseline=args.baseline,
        parse_probe=not args.no_parse_probe,
        next_week=args.next_week,
        weekly=args.weekly,
        **common,
    )
    return 0 if result["refresh"]["returncode"] == 0 else 1
