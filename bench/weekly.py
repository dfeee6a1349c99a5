"""The weekly schedule: a home refreshed as of the week before the as-of date, then as of
it (dlt merges what changed, dbt's incremental models recompute what they must), and
``--weekly-only``, that schedule alone with the floor on the full refresh's data."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import DEFAULT_AS_OF
from bench.floor import floor_record, generate, run_floor
from bench.memory import RssSampler
from bench.process import PROJECT_ROOT, say
from bench.refresh import Refresh, format_bytes, last_load, refresh_memory_limit, run_refresh
from bench.report import format_ratios, ratio, ratios
from bench.workdir import begin, finish

FULL_STAND_IN = (
    "the previous week's refresh: it ran in a fresh home, so it is a full refresh of the "
    "same code, on a week less data"
)


def weekly_refresh(
    work: Path, deals: int, as_of: date, full: Refresh | None, src: Path = PROJECT_ROOT
) -> dict[str, Any]:
    """The realistic schedule: a home refreshed as of the week before ``as_of``, then as of
    ``as_of`` (dlt merges what changed, dbt's incremental models recompute new weeks and
    changed deals). Its stages against ``full`` (the fresh-home refresh as of ``as_of``),
    or without one against the previous week's refresh (``FULL_STAND_IN``)."""
    home = work / "home-weekly"
    say(f"weekly: a home refreshed as of {as_of - timedelta(days=7)}, then as of {as_of}")
    before = run_refresh(home, deals, as_of - timedelta(days=7), src)
    say(f"  previous week {before.wall:.1f}s wall, exit {before.returncode}")
    weekly = run_refresh(home, deals, as_of, src)
    say(f"  this week {weekly.wall:.1f}s wall, exit {weekly.returncode}")
    compared_with = "the fresh-home refresh as of the same date" if full else FULL_STAND_IN
    full = full or before
    pairs = {
        stage: (full.stage_seconds.get(stage), weekly.stage_seconds.get(stage))
        for stage in ("ingest", "checks", "dbt build", "publish")
    }
    pairs["fixed cost"] = (full.fixed, weekly.fixed)
    pairs["refresh"] = (full.wall, weekly.wall)
    compared = {
        name: {"full_s": f, "incremental_s": i, "ratio": ratio(i, f)}
        for name, (f, i) in pairs.items()
    }
    loaded = last_load(home / "data" / "warehouse.duckdb") if weekly.returncode == 0 else {}
    return {
        "previous_week_refresh": before.as_dict(),
        "refresh": weekly.as_dict(),
        "compared_to_full": compared,
        "full_is": compared_with,
        "load": loaded,
    }


def run_weekly_only(
    label: str,
    deals: int,
    *,
    as_of: date = DEFAULT_AS_OF,
    json_path: Path | None = None,
    keep: bool = False,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Only the weekly schedule (``--weekly-only``): one home, refreshed as of the week
    before ``as_of`` (a fresh home: a full refresh) and then as of ``as_of``; the weekly run
    is reported against the first, and the first against the floor on the same data (as of
    the week before, run twice before the refreshes; its Parquet is deleted before they
    start, so the home has the disk). No 10k baseline, no second home: for sizes where
    ``--weekly``'s two homes do not fit on the disk (L)."""
    start = begin(label, deals, as_of, workdir, mode=", weekly only")
    previous_week = as_of - timedelta(days=7)
    with RssSampler() as rss:
        say(f"generate: the floor's Parquet input as of {previous_week} (the full refresh's)")
        gen = generate(deals, previous_week, start.work / "parquet")
        floor_runs: list[float] = []
        floor_outputs: dict[str, int] = {}
        for run in (1, 2):
            say(f"floor: bench/floor.sql on DuckDB (run {run} of 2)")
            seconds, floor_outputs = run_floor(start.work / "parquet", previous_week)
            floor_runs.append(seconds)
            say(f"  {seconds:.2f}s {floor_outputs}")
        shutil.rmtree(start.work / "parquet", ignore_errors=True)
        incremental = weekly_refresh(start.work, deals, as_of, None, start.src)
    floor_s = min(floor_runs)
    full = incremental["previous_week_refresh"]
    computed = ratios(
        floor_s=floor_s,
        dbt_s=full["stage_seconds"].get("dbt build", 0.0),
        refresh_s=full["wall_seconds"],
        fixed_s=full["fixed_seconds"],
    )
    peaks = {
        run: rss.peak_mb(
            incremental[run]["process_start"], incremental[run]["process_end"],
            children_only=True,
        )
        for run in ("previous_week_refresh", "refresh")
    }  # fmt: skip
    result: dict[str, Any] = {
        "size": label,
        "deals": deals,
        "as_of": as_of.isoformat(),
        "started_at": start.started_at,
        "machine": start.machine(),
        "duckdb_memory_limit": refresh_memory_limit(deals),
        "weekly_refresh": incremental,
        "floor": floor_record(floor_runs, floor_outputs, gen, as_of=previous_week.isoformat()),
        "generate": {"seconds": gen.generate_s, "rows": gen.total_rows},
        "ratios": computed,
        "ratios_are_of": "the previous week's (full) refresh against the floor on its data",
        "peak_rss_mb": peaks,
    }  # fmt: skip
    print()
    print(f"SalesPulse bench, size {label} ({deals:,} deals), weekly only, as of {as_of}")
    print(
        f"  full refresh as of {previous_week}: {full['wall_seconds']:.1f}s, dbt step "
        f"{full['stage_seconds'].get('dbt build', 0.0):.1f}s; floor {floor_s:.2f}s "
        f"(best of {len(floor_runs)}, {gen.total_rows:,} rows generated in "
        f"{gen.generate_s:.1f}s)"
    )
    print(format_ratios(computed))
    print_weekly(incremental)
    print(
        f"  peak RSS: previous week {peaks['previous_week_refresh'] or 0:,.0f} MB, this week "
        f"{peaks['refresh'] or 0:,.0f} MB; load {start.load_start} -> "
        f"{result['machine']['load_average_end']}"
    )
    finish(result, start.work, json_path, keep)
    return result


def print_weekly(incremental: dict[str, Any]) -> None:
    """The weekly refresh's stages against the full refresh they are compared with."""
    load = incremental["load"]
    print(
        f"  weekly refresh (a week after a refresh in the same home): "
        f"{load.get('rows_loaded_total', 0):,} of {load.get('raw_rows_total', 0):,} raw "
        f"rows loaded, {load.get('deals_changed_pct') or 0:.2f}% of the deals changed; "
        f"full = {incremental['full_is']}"
    )
    for stage, c in incremental["compared_to_full"].items():
        share = "n/a" if c["ratio"] is None else f"{100 * c['ratio']:.1f}%"
        print(
            f"    {stage:<12} incremental {c['incremental_s'] or 0:7.1f}s vs full "
            f"{c['full_s'] or 0:7.1f}s ({share})"
        )
    for run in ("previous_week_refresh", "refresh"):
        print(f"    files after the {run.replace('_', ' ')}: {format_bytes(incremental[run])}")
