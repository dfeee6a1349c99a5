"""One benchmark run: generate, floor, the real refresh, reports, fixed costs; then the
table and the JSON."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import DEFAULT_AS_OF, SMALL_SIZE
from bench.floor import Generated, floor_record, generate, run_floor
from bench.memory import RssSampler
from bench.probes import fixed_costs, run_reports
from bench.process import say
from bench.refresh import format_bytes, refresh_memory_limit, run_refresh
from bench.report import Row, format_ratios, format_table, markdown_table, ratio, ratios
from bench.weekly import print_weekly, weekly_refresh
from bench.workdir import begin, finish


def run_bench(
    label: str,
    deals: int,
    *,
    as_of: date = DEFAULT_AS_OF,
    json_path: Path | None = None,
    keep: bool = False,
    small_baseline: bool | None = None,
    parse_probe: bool = True,
    next_week: bool = False,
    weekly: bool = False,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Run the whole benchmark at ``deals`` deals; print the table; return (and write) JSON."""
    small_baseline = deals > SMALL_SIZE if small_baseline is None else small_baseline
    start = begin(label, deals, as_of, workdir)
    work, src = start.work, start.src
    phases: dict[str, tuple[float, float]] = {}
    with RssSampler() as rss:
        t0 = time.time()
        say("generate: demo CRM (Arrow, timed alone) and the floor's Parquet input")
        gen: Generated = generate(deals, as_of, work / "parquet")
        phases["generate"] = (t0, time.time())
        say(
            f"  {gen.total_rows:,} rows: generated in {gen.generate_s:.1f}s, "
            f"Parquet {gen.write_s:.1f}s"
        )

        floor_runs: list[float] = []
        t0 = time.time()
        say("floor: bench/floor.sql on DuckDB (run 1 of 2)")
        seconds, floor_outputs = run_floor(work / "parquet", as_of)
        floor_runs.append(seconds)
        phases["floor"] = (t0, time.time())
        say(f"  {seconds:.2f}s {floor_outputs}")

        baseline = None
        if small_baseline:
            say(f"baseline: the refresh at {SMALL_SIZE:,} deals (its stages are ~all fixed cost)")
            t0 = time.time()
            baseline = run_refresh(work / "home-small", SMALL_SIZE, as_of, src)
            phases["baseline refresh"] = (t0, time.time())
            say(f"  {baseline.wall:.1f}s wall")

        say(f"refresh: salespulse run --as-of {as_of} --size {deals} (subprocess)")
        t0 = time.time()
        refresh = run_refresh(work / "home", deals, as_of, src)
        phases["refresh"] = (t0, time.time())
        say(f"  {refresh.wall:.1f}s wall, exit {refresh.returncode}")

        say("reports: python -m orchestration.reports_check --published ...")
        t0 = time.time()
        reports = run_reports(work / "home" / "published" / "salespulse.duckdb", src)
        phases["reports"] = (t0, time.time())
        say(
            f"  {reports['status']}"
            + (f" {reports['seconds']:.1f}s" if "seconds" in reports else "")
        )

        t0 = time.time()
        say("floor: run 2 of 2")
        seconds, _ = run_floor(work / "parquet", as_of)
        floor_runs.append(seconds)
        say(f"  {seconds:.2f}s")

        costs = fixed_costs(work / "home", as_of, work, src) if parse_probe else {}

        following = None
        if next_week:
            # a week earlier: the as-of date must be a complete past day, and what matters
            # is a new date in a home that has run before (dbt vars change, lineage cached)
            other = as_of - timedelta(days=7)
            say(f"another week: the refresh again in the same home, as of {other}")
            t0 = time.time()
            following = run_refresh(work / "home", deals, other, src)
            phases["next week refresh"] = (t0, time.time())
            say(f"  {following.wall:.1f}s wall, exit {following.returncode}")

        incremental = None
        if weekly:
            t0 = time.time()
            incremental = weekly_refresh(work, deals, as_of, refresh, src)
            phases["weekly refresh"] = (t0, time.time())
    machine = start.machine()
    floor_s = min(floor_runs)
    raw_rows = sum(refresh.raw_rows.values()) or gen.total_rows

    stages = refresh.stage_seconds
    in_process = ("generate", "floor")  # the other phases run in subprocesses
    peaks = {
        name: rss.peak_mb(a, b, children_only=name not in in_process)
        for name, (a, b) in phases.items()
    }
    overall_peak = max((v for v in peaks.values() if v is not None), default=None)
    step_peaks: dict[str, float | None] = {}
    if refresh.times:
        for stage in stages:
            windows = [(s.start, s.end) for s in refresh.times.steps if s.stage == stage]
            values = [rss.peak_mb(a, b, children_only=True) for a, b in windows]
            step_peaks[stage] = max((v for v in values if v is not None), default=None)
    rows = [
        Row("generate", gen.generate_s, gen.total_rows, peaks.get("generate"), "Arrow, alone"),
        Row("ingest", stages.get("ingest"), raw_rows, step_peaks.get("ingest"),
            "dlt op (generation streamed inside)"),
        Row("checks", stages.get("checks"), raw_rows, step_peaks.get("checks"),
            "GX suites, freshness, published-file check"),
        Row("dbt build", stages.get("dbt build"), raw_rows, step_peaks.get("dbt build"),
            "models + data tests + unit tests, incl. dbt start and parse"),
        Row("publish", stages.get("publish"), raw_rows, step_peaks.get("publish"),
            "incl. column lineage"),
        Row("fixed cost", refresh.fixed, None, None,
            "wall - stages: start, imports, definitions, run start"),
        Row("full refresh", refresh.wall, raw_rows, peaks.get("refresh"),
            "salespulse run, process start to exit"),
        Row("reports", reports.get("seconds"), None, peaks.get("reports"),
            "reports_check" if "seconds" in reports else "n/a"),
        Row("floor", floor_s, raw_rows, peaks.get("floor"),
            f"plain DuckDB, best of {len(floor_runs)}"),
        Row("floor input (Parquet)", gen.write_s, gen.total_rows, None, "written once"),
    ]  # fmt: skip
    computed = ratios(
        floor_s=floor_s,
        dbt_s=stages.get("dbt build", 0.0),
        refresh_s=refresh.wall,
        fixed_s=refresh.fixed,
        baseline=(
            {"dbt build": baseline.stage_seconds.get("dbt build", 0.0), "refresh": baseline.wall}
            if baseline and baseline.returncode == 0
            else None
        ),
    )
    result: dict[str, Any] = {
        "size": label,
        "deals": deals,
        "as_of": as_of.isoformat(),
        "started_at": start.started_at,
        "machine": machine,
        "duckdb_memory_limit": refresh_memory_limit(deals),
        "rows": {
            "generated": gen.rows,
            "generated_total": gen.total_rows,
            "raw_landed": refresh.raw_rows,
            "raw_landed_total": raw_rows,
        },
        "table": [
            {
                "stage": r.stage,
                "seconds": r.seconds,
                "rows": r.rows,
                "rows_per_s": (r.rows / r.seconds) if r.rows and r.seconds else None,
                "ratio_to_floor": ratio(r.seconds, floor_s),
                "peak_rss_mb": r.peak_rss_mb,
                "note": r.note,
            }
            for r in rows
        ],
        "ratios": computed,
        "floor": floor_record(floor_runs, floor_outputs, gen),
        "generate": {"seconds": gen.generate_s, "timings": gen.timings},
        "refresh": refresh.as_dict(),
        "baseline_refresh": baseline.as_dict() if baseline else None,
        "next_week_refresh": following.as_dict() if following else None,
        "weekly_refresh": incremental,
        "reports": reports,
        "fixed_costs": {**costs, "setup_dbt_parse_s": start.parse_seconds},
        "peak_rss_mb": {"overall": overall_peak, "by_phase": peaks, "by_stage": step_peaks},
        "markdown_table": markdown_table(rows, floor_s),
    }  # fmt: skip
    print()
    print(f"SalesPulse bench, size {label} ({deals:,} deals, {raw_rows:,} raw rows), as of {as_of}")
    print(format_table(rows, floor_s))
    print()
    print(format_ratios(computed))
    if refresh.times:
        parts = ", ".join(f"{k} {v:.1f}s" for k, v in refresh.fixed_parts().items())
        print(f"  fixed cost {refresh.fixed:.1f}s = {parts}")
    if costs:
        print(
            "  python start {python_start_s:.2f}s, import orchestration.assembly "
            "{import_assembly_s:.2f}s, definitions load {definitions_load_s:.2f}s; dbt parse "
            "full {dbt_parse_full_s:.1f}s, partial {dbt_parse_partial_s:.1f}s, "
            "new as-of date {dbt_parse_new_as_of_s:.1f}s (as a --vars value: "
            "{dbt_parse_new_as_of_var_s:.1f}s)".format(**costs)
        )
    if refresh.dbt:
        print(
            f"  dbt execution {refresh.dbt.get('execution_seconds') or 0:.1f}s of the "
            f"{stages.get('dbt build', 0):.1f}s dbt step; partial parse: "
            f"{'; '.join(refresh.dbt.get('partial_parse') or ['no reparse note in the log'])}"
        )
    if following:
        parts = ", ".join(f"{k} {v:.1f}s" for k, v in following.stage_seconds.items())
        print(
            f"  another week's refresh (same home: new as-of date, lineage cached, dlt state "
            f"kept): {following.wall:.1f}s wall = {parts}, fixed {following.fixed:.1f}s"
        )
    print(f"  files after the refresh: {format_bytes(refresh.as_dict())}")
    if incremental:
        print_weekly(incremental)
    print(
        f"  peak RSS (largest phase) {overall_peak or 0:,.0f} MB; "
        f"load {start.load_start} -> {machine['load_average_end']}"
    )
    finish(result, work, json_path, keep)
    return result
