"""One benchmark run: generate, floor, the real refresh, reports, fixed costs; then the
table and the JSON."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

from bench.events import RunTimes, read_run_events, run_times
from bench.floor import Generated, generate, run_floor
from bench.machine import load_average, machine_facts
from bench.memory import RssSampler
from bench.report import Row, format_table, markdown_table, ratio, ratios
from orchestration.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, Settings
from orchestration.warehouse import marts_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AS_OF = date(2026, 11, 15)
"""A fixed Sunday inside the demo horizon, so runs on different days compare."""
SMALL_SIZE = 10_000
QUIET_ENV = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DAGSTER_DISABLE_TELEMETRY": "true",
    "PYTHONUNBUFFERED": "1",
}
STEP_LINE = re.compile(
    r" - dagster - \w+ - [\w-]+ - [0-9a-f-]{36} - (?:\d+ - )?([A-Za-z_][\w.]*) - "
)


SNAPSHOT_PATHS = ("orchestration", "ingestion", "dbt_project", "bench", ".dlt", "reports")
SNAPSHOT_IGNORE = shutil.ignore_patterns(
    "target", "logs", "node_modules", "build", "screenshots", ".evidence", "__pycache__", "*.pyc"
)


def snapshot(dest: Path, root: Path = PROJECT_ROOT) -> Path:
    """A copy of the code the refresh runs (Python packages, dbt project, report pages), so
    edits to the checkout during a long benchmark cannot change it half-way; its dbt
    manifest is parsed afresh by :func:`parse_manifest`."""
    for name in SNAPSHOT_PATHS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=SNAPSHOT_IGNORE, dirs_exist_ok=True)
    return dest


def parse_manifest(src: Path) -> tuple[float, int]:
    """``dbt parse`` of the snapshot's project into its own ``target/`` (what ``make setup``
    does up front): the manifest the Dagster definitions load."""
    project = src / "dbt_project"
    return timed(
        [
            str(Path(sys.executable).with_name("dbt")), "parse", "--quiet",
            "--project-dir", str(project), "--profiles-dir", str(project),
        ],
        {**os.environ, **QUIET_ENV},
        cwd=project,
    )  # fmt: skip


def say(message: str) -> None:
    print(f"bench [{datetime.now():%H:%M:%S}] {message}", flush=True)


@dataclass
class Refresh:
    """One ``salespulse run`` in a subprocess, and what its event log says."""

    home: Path
    returncode: int
    process_start: float
    process_end: float
    run_id: str | None = None
    status: str | None = None
    times: RunTimes | None = None
    raw_rows: dict[str, int] = field(default_factory=dict)
    published_rows: dict[str, int] = field(default_factory=dict)
    file_bytes: dict[str, int] = field(default_factory=dict)
    dbt: dict[str, Any] = field(default_factory=dict)
    dlt: dict[str, float] = field(default_factory=dict)

    @property
    def wall(self) -> float:
        return self.process_end - self.process_start

    @property
    def stage_seconds(self) -> dict[str, float]:
        return self.times.stage_seconds if self.times else {}

    @property
    def fixed(self) -> float:
        """Wall time minus the stages: process start, imports, definitions (dbt manifest),
        Dagster run start, and exit."""
        return self.wall - sum(self.stage_seconds.values())

    def fixed_parts(self) -> dict[str, float]:
        if not self.times:
            return {}
        t = self.times
        run_start = t.run_start or t.first_event
        run_end = t.run_end or t.last_event
        return {
            "process_start_to_first_event": t.first_event - self.process_start,
            "run_planning": run_start - t.first_event,
            "between_steps": (run_end - run_start) - sum(s.seconds for s in t.steps),
            "run_end_to_exit": self.process_end - run_end,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "home": str(self.home),
            "returncode": self.returncode,
            "run_id": self.run_id,
            "status": self.status,
            "process_start": self.process_start,
            "process_end": self.process_end,
            "wall_seconds": self.wall,
            "fixed_seconds": self.fixed,
            "fixed_parts": self.fixed_parts(),
            "stage_seconds": self.stage_seconds,
            "events": self.times.as_dict() if self.times else None,
            "raw_rows": self.raw_rows,
            "published_rows": self.published_rows,
            "file_bytes": self.file_bytes,
            "dbt": self.dbt,
            "dlt": self.dlt,
        }


RAW_SCHEMA = Settings(PROJECT_ROOT).raw_dataset
"""Where the refresh lands the demo CRM (the default source the benchmark runs)."""
LARGE_DEALS = 2_000_000
LARGE_MEMORY_LIMIT = "12GB"


def refresh_memory_limit(deals: int) -> str:
    """The DuckDB memory limit the refresh runs with: one set in the environment, else
    ``LARGE_MEMORY_LIMIT`` above ``LARGE_DEALS`` (with the default 3GB, two marts built side
    by side at L spilled until the disk was full: docs/performance.md, Memory), else the
    product's default."""
    if "SALESPULSE_DUCKDB_MEMORY_LIMIT" in os.environ:
        return os.environ["SALESPULSE_DUCKDB_MEMORY_LIMIT"]
    return LARGE_MEMORY_LIMIT if deals > LARGE_DEALS else DEFAULT_DUCKDB_MEMORY_LIMIT


def child_env(home: Path, deals: int = 0) -> dict[str, str]:
    """The refresh's environment: its own home and ``refresh_memory_limit(deals)``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SALESPULSE_HOME")}
    env.update(QUIET_ENV)
    env["SALESPULSE_HOME"] = str(home)
    env["DAGSTER_HOME"] = str(home / ".dagster")
    env["SALESPULSE_DUCKDB_MEMORY_LIMIT"] = refresh_memory_limit(deals)
    return env


def run_refresh(
    home: Path, deals: int, as_of: date, src: Path = PROJECT_ROOT, echo: Callable[[str], None] = say
) -> Refresh:
    """``salespulse run --as-of AS_OF --size DEALS`` in a fresh home, as a subprocess (so its
    process start and imports are measured), its output kept in ``home/refresh.log``."""
    home.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "orchestration.cli", "run",
        "--as-of", as_of.isoformat(), "--size", str(deals),
    ]  # fmt: skip
    log_path = home / "refresh.log"
    started = time.time()
    proc = subprocess.Popen(
        command,
        cwd=src,
        env=child_env(home, deals),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    with contextlib.suppress(psutil.Error):
        started = min(started, psutil.Process(proc.pid).create_time())
    current = None
    assert proc.stdout is not None
    with log_path.open("w") as log:
        for line in proc.stdout:
            log.write(line)
            if line.startswith("salespulse:"):
                echo("  " + line.strip())
            match = STEP_LINE.search(line)
            if match and match.group(1) != current:
                current = match.group(1)
                echo(f"  step {current} ({time.time() - started:.0f}s into the refresh)")
    returncode = proc.wait()
    refresh = Refresh(home, returncode, started, time.time())
    try:
        refresh.run_id, refresh.status, events = read_run_events(
            str(home / ".dagster"), since=started - 1
        )
        refresh.times = run_times(events)
    except Exception as error:  # a failed run still reports what it has
        echo(f"  could not read the run's event log: {error}")
    try:
        refresh.raw_rows = _row_counts(home / "data" / "warehouse.duckdb", RAW_SCHEMA)
        refresh.published_rows = _row_counts(home / "published" / "salespulse.duckdb", "main")
    except Exception as error:  # e.g. a dbt left running by a failed run holds the lock
        echo(f"  could not count rows: {error}")
    refresh.file_bytes = _file_bytes(home)
    refresh.dbt = dbt_summary(home / "data" / "dbt_target", log_path)
    refresh.dlt = _dlt_trace(home)
    if returncode != 0:
        echo(f"  refresh FAILED (exit {returncode}); see {log_path}")
    return refresh


def _file_bytes(home: Path) -> dict[str, int]:
    """Sizes of the warehouse, its marts file and the published file after a refresh (the
    published file is a copy of the marts file, free blocks included)."""
    settings = Settings(home)
    files = {
        "warehouse": settings.warehouse_path,
        "marts": marts_path(settings.warehouse_path),
        "published": settings.published_path,
    }
    return {name: path.stat().st_size for name, path in files.items() if path.exists()}


def _row_counts(path: Path, schema: str) -> dict[str, int]:
    """Rows per table of ``schema`` in the DuckDB file at ``path`` (dlt's own tables aside)."""
    import duckdb

    if not path.exists():
        return {}
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_name not like '\\_dlt%' escape '\\' "
                "order by 1",
                [schema],
            ).fetchall()
        ]
        return {
            n: con.execute(f'select count(*) from "{schema}"."{n}"').fetchone()[0] for n in names
        }


def last_load(warehouse: Path, schema: str = RAW_SCHEMA) -> dict[str, Any]:
    """Rows of the warehouse's latest dlt load, per raw table, and the share of the deals it
    carried (the deals changed since the previous extract, for an incremental load)."""
    import duckdb

    rows = _row_counts(warehouse, schema)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (load_id,) = con.execute(f'select max(load_id) from "{schema}"._dlt_loads').fetchone()
        loaded = {
            n: con.execute(
                f'select count(*) from "{schema}"."{n}" where _dlt_load_id = ?', [load_id]
            ).fetchone()[0]
            for n in rows
        }
        changed, deals = con.execute(
            "select count(distinct case when _dlt_load_id = ? then deal_id end), "
            f'count(distinct deal_id) from "{schema}".deals',
            [load_id],
        ).fetchone()
    return {
        "load_id": load_id,
        "rows_loaded": loaded,
        "rows_loaded_total": sum(loaded.values()),
        "raw_rows_total": sum(rows.values()),
        "deals_changed": changed,
        "deals": deals,
        "deals_changed_pct": 100.0 * changed / deals if deals else None,
    }


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


def dbt_summary(target: Path, log: Path | None = None, top: int = 10) -> dict[str, Any]:
    """From dbt's run_results.json and log: execution seconds (parse excluded), seconds per
    resource type, the slowest nodes, and why partial parsing was or was not used."""
    results_path = target / "run_results.json"
    if not results_path.exists():
        return {}
    results = json.loads(results_path.read_text())
    by_type: dict[str, float] = {}
    counts: dict[str, int] = {}
    for node in results["results"]:
        kind = node["unique_id"].split(".", 1)[0]
        by_type[kind] = by_type.get(kind, 0.0) + node["execution_time"]
        counts[kind] = counts.get(kind, 0) + 1
    slowest = sorted(results["results"], key=lambda n: -n["execution_time"])[:top]
    parse_notes: list[str] = []
    log = log or target / "dbt.log"
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if "partial pars" in line.lower() and "Copying" not in line:
                parse_notes.append(re.sub(r"^.*?\]: ", "", line.strip()))
    return {
        "execution_seconds": results.get("elapsed_time"),
        "node_seconds_by_type": by_type,
        "nodes_by_type": counts,
        "slowest_nodes": [
            {"node": n["unique_id"], "seconds": round(n["execution_time"], 3)} for n in slowest
        ],
        "partial_parse": parse_notes[-3:],
    }


def _dlt_trace(home: Path) -> dict[str, float]:
    """dlt's own extract / normalize / load seconds (its pipeline trace)."""
    try:
        import dlt

        trace = dlt.attach("demo_crm", pipelines_dir=str(home / "data" / "dlt")).last_trace
        return {
            s.step: (s.finished_at - s.started_at).total_seconds()
            for s in trace.steps
            if s.finished_at is not None
        }
    except Exception:
        return {}


def timed(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT):
    """(seconds, return code) of a command."""
    start = time.perf_counter()
    done = subprocess.run(
        list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return time.perf_counter() - start, done.returncode


def fixed_costs(home: Path, as_of: date, workdir: Path, src: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The parts of the fixed cost on their own: interpreter start, imports, the definitions
    load, and dbt parse from scratch, partially, and after the as-of date changes."""
    env = child_env(home)
    py = sys.executable
    out: dict[str, Any] = {}
    say("fixed costs: interpreter start, imports, definitions load")
    out["python_start_s"], _ = timed([py, "-c", "pass"], env, src)
    out["import_assembly_s"], _ = timed([py, "-c", "import orchestration.assembly"], env, src)
    out["import_dagster_s"], _ = timed([py, "-c", "import dagster"], env, src)
    out["import_dlt_s"], _ = timed([py, "-c", "import dlt"], env, src)
    out["definitions_load_s"], _ = timed(
        [
            py, "-c",
            "from orchestration.assembly import build_definitions; "
            "from orchestration.settings import Settings; "
            "build_definitions(Settings.from_env())."
            "resolve_job_def('weekly_refresh')",
        ],
        env,
        src,
    )  # fmt: skip
    dbt = str(Path(py).with_name("dbt"))
    project = src / "dbt_project"
    target = workdir / "parse_target"
    shutil.rmtree(target, ignore_errors=True)

    def parse(day: date, as_var: bool = False) -> tuple[float, int]:
        # as the refresh passes it: the as-of date in the environment, the vars constant;
        # as_var: the as-of date in --vars (how it was passed before: a full re-parse)
        dbt_vars = {"crm_source": "demo_crm", **({"as_of_date": day.isoformat()} if as_var else {})}
        return timed(
            [
                dbt, "parse", "--quiet",
                "--project-dir", str(project), "--profiles-dir", str(project),
                "--target-path", str(target), "--log-path", str(target),
                "--vars", json.dumps(dbt_vars),
            ],
            {
                **env,
                "SALESPULSE_WAREHOUSE": str(home / "data" / "warehouse.duckdb"),
                **Settings.dbt_as_of_env(day.isoformat()),
            },
            src,
        )  # fmt: skip

    say("fixed costs: dbt parse (full, partial, new as-of date)")
    out["dbt_parse_full_s"], rc_full = parse(as_of)
    out["dbt_parse_partial_s"], rc_partial = parse(as_of)
    out["dbt_parse_new_as_of_s"], rc_new = parse(as_of - timedelta(days=7))
    parse(as_of, as_var=True)
    out["dbt_parse_new_as_of_var_s"], rc_var = parse(as_of - timedelta(days=7), as_var=True)
    out["dbt_parse_ok"] = rc_full == rc_partial == rc_new == rc_var == 0
    return out


def run_reports(published: Path, src: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The Evidence reports check against the published file, if the project has one."""
    if not (src / "orchestration" / "reports_check.py").exists():
        return {"status": "n/a"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.reports_check", "--published", str(published)],
        cwd=src,
        env={**os.environ, **QUIET_ENV},
        capture_output=True,
        text=True,
    )
    return {
        "status": "ok" if done.returncode == 0 else f"failed (exit {done.returncode})",
        "seconds": time.perf_counter() - start,
        "output_tail": (done.stdout + done.stderr).strip().splitlines()[-5:],
    }


@dataclass(frozen=True)
class Start:
    """What every benchmark run records before it begins, where it works, and the snapshot
    of the code it runs (parsed by dbt there)."""

    facts: dict[str, Any]
    load_start: list[float]
    started_at: str
    work: Path
    src: Path
    parse_seconds: float

    def machine(self) -> dict[str, Any]:
        """The machine facts with the load average at the start and now (the end)."""
        return {
            **self.facts,
            "load_average_start": self.load_start,
            "load_average_end": load_average(),
        }


def begin(label: str, deals: int, as_of: date, workdir: Path | None, mode: str = "") -> Start:
    """Record the machine, make the work dir, snapshot the code there and parse it."""
    facts = machine_facts()
    load_start = load_average()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    work = Path(workdir or tempfile.mkdtemp(prefix=f"salespulse-bench-{label}-"))
    work.mkdir(parents=True, exist_ok=True)
    say(f"size {label}{mode}: {deals:,} deals as of {as_of}, work dir {work}, load {load_start}")
    say("snapshot of the code (orchestration, ingestion, dbt_project, reports) and dbt parse")
    src = snapshot(work / "src")
    parse_seconds, parse_rc = parse_manifest(src)
    if parse_rc != 0:
        raise SystemExit(f"bench: dbt parse failed in {src / 'dbt_project'}")
    return Start(facts, load_start, started_at, work, src, parse_seconds)


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
        "floor": {"seconds": floor_s, "runs": floor_runs, "outputs": floor_outputs,
                  "parquet_write_s": gen.write_s},
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
    for name, value in computed.items():
        print(f"  {name:<36} {'n/a' if value is None else f'{value:.1f}x'}")
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
    is reported against the first. No floor, no 10k baseline, no second home: for sizes
    where ``--weekly``'s two homes do not fit on the disk (L)."""
    start = begin(label, deals, as_of, workdir, mode=", weekly only")
    with RssSampler() as rss:
        incremental = weekly_refresh(start.work, deals, as_of, None, start.src)
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
        "peak_rss_mb": peaks,
    }
    print()
    print(f"SalesPulse bench, size {label} ({deals:,} deals), weekly only, as of {as_of}")
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


def format_bytes(refresh: dict[str, Any]) -> str:
    """The file sizes of a refresh (``Refresh.as_dict``), e.g. ``marts 3.40 GB``."""
    sizes = refresh.get("file_bytes") or {}
    return ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in sizes.items()) or "n/a"


def finish(result: dict[str, Any], work: Path, json_path: Path | None, keep: bool) -> None:
    """Write the JSON, then keep or delete the work dir."""
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2, default=str))
        print(f"  JSON: {json_path}")
    if keep:
        print(f"  kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
