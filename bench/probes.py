"""What the benchmark times apart from the refresh: the fixed costs on their own
(interpreter start, imports, the definitions load, dbt parse) and the reports check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.process import PROJECT_ROOT, QUIET_ENV, say, timed
from bench.refresh import child_env
from orchestration.settings import Settings


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
