"""The as-of date reaches dbt's SQL at compile time and never makes dbt re-parse.

The scheduled refresh passes the date in SALESPULSE_AS_OF_DATE (``Settings.dbt_as_of_env``);
``as_of_date_value`` (dbt_project/macros/as_of.sql) reads it only while compiling for a run,
so no parsed file depends on it. A new week therefore costs no parse at all, and the date
in the SQL is still the run's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.settings import DBT_PROJECT_DIR, Settings

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).with_name("dbt")
MODEL = "int_periods"


def _compile(target: Path, as_of: str, warehouse: Path) -> tuple[str, str]:
    """Compile MODEL with the date in the environment: (its SQL, dbt's debug log)."""
    logs = target / f"logs-{as_of}"
    env = {
        **os.environ,
        **Settings.dbt_as_of_env(as_of),
        "SALESPULSE_WAREHOUSE": str(warehouse),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    }
    subprocess.run(
        [
            str(DBT), "compile", "--select", MODEL,
            "--target-path", str(target), "--log-path", str(logs), "--log-level-file", "debug",
            "--vars", json.dumps(Settings(Path("/unused")).dbt_vars()),
        ],
        cwd=DBT_PROJECT_DIR, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    sql = next((target / "compiled").rglob(f"{MODEL}.sql")).read_text()
    return sql, (logs / "dbt.log").read_text()


def test_a_new_as_of_date_is_compiled_in_without_a_reparse(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    target = tmp_path / "target"

    # int_periods measures the open periods to the day after the as-of date
    first_sql, first_log = _compile(target, "2026-11-08", warehouse)
    assert "cast('2026-11-09' as date)" in first_sql
    assert "Unable to do partial parsing" in first_log  # nothing saved yet: a full parse

    second_sql, second_log = _compile(target, "2026-11-15", warehouse)
    assert "cast('2026-11-16' as date)" in second_sql and "2026-11-09" not in second_sql
    assert "Partial parsing enabled, no changes found, skipping parsing" in second_log

    # the last day of a year: the day after is the next year's first
    year_end_sql, year_end_log = _compile(target, "2026-12-31", warehouse)
    assert "cast('2027-01-01' as date)" in year_end_sql
    assert "Partial parsing enabled, no changes found, skipping parsing" in year_end_log


def test_without_a_date_the_compile_fails_with_how_to_pass_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in Settings.dbt_as_of_env("x")}
    env |= {
        "SALESPULSE_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    }
    done = subprocess.run(
        [
            str(DBT), "compile", "--select", MODEL, "--target-path", str(tmp_path / "target"),
            "--log-path", str(tmp_path / "logs"),
        ],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "The as-of date is required" in done.stdout
