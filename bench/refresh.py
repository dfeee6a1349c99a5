"""One refresh as ``salespulse run`` executes it, in a subprocess with its own home, and
what it leaves to read: the Dagster event log's stage times, dbt's run results, dlt's
trace, the rows landed and published, the files' sizes, the latest load."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psutil

from bench.events import RunTimes, read_run_events, run_times
from bench.process import PROJECT_ROOT, QUIET_ENV, say
from orchestration.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, Settings
from orchestration.warehouse import marts_path

STEP_LINE = re.compile(
    r" - dagster - \w+ - [\w-]+ - [0-9a-f-]{36} - (?:\d+ - )?([A-Za-z_][\w.]*) - "
)


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


def format_bytes(refresh: dict[str, Any]) -> str:
    """The file sizes of a refresh (``Refresh.as_dict``), e.g. ``marts 3.40 GB``."""
    sizes = refresh.get("file_bytes") or {}
    return ", ".join(f"{name} {size / 1e9:.2f} GB" for name, size in sizes.items()) or "n/a"
