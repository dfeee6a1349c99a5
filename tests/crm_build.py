"""Build the dbt project over a warehouse whose raw tables came from one CRM source, and read
back every mart, for tests that compare marts between runs (or between sources).

>>> import inspect
>>> list(inspect.signature(build_marts).parameters)
['warehouse', 'crm_source', 'as_of', 'workdir', 'extra_vars']
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.defs.transformation import DBT_EXECUTABLE
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import connect as warehouse_connection
from orchestration.warehouse import mart_tables

MART_SCHEMA = "marts"


class DbtBuildFailed(AssertionError):
    """dbt build failed; the message carries dbt's summary of what failed."""


def build_marts(
    warehouse: Path,
    crm_source: str,
    as_of: date,
    workdir: Path,
    extra_vars: dict[str, Any] | None = None,
) -> dict[str, list[tuple]]:
    """``dbt build`` (models and tests) with ``crm_source`` on ``warehouse``; every mart's
    rows, sorted, without dlt load ids (each load gets a new id)."""
    dbt_vars = {"as_of_date": as_of.isoformat(), "crm_source": crm_source, **(extra_vars or {})}
    env = {
        **os.environ,
        "SALESPULSE_WAREHOUSE": str(warehouse),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    result = subprocess.run(
        [
            str(DBT_EXECUTABLE),
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(workdir / "dbt_target"),
            "--log-path",
            str(workdir / "dbt_logs"),
            "--vars",
            json.dumps(dbt_vars),
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DbtBuildFailed(f"dbt build with {dbt_vars} failed:\n{result.stdout[-6000:]}")
    return read_marts(warehouse)


# columns that name what computed a row (a load, a dbt invocation), which differ between
# two builds of the same data by construction
RUN_COLUMNS = frozenset({"load_id", "dbt_invocation_id"})


def read_marts(warehouse: Path) -> dict[str, list[tuple]]:
    """Every mart of ``warehouse``: sorted rows without the ``RUN_COLUMNS``."""
    with warehouse_connection(warehouse, read_only=True) as con:
        marts: dict[str, list[tuple]] = {}
        for table in mart_tables(con):
            columns = [r[0] for r in con.execute(f"describe {MART_SCHEMA}.{table}").fetchall()]
            select = ", ".join(f'"{c}"' for c in columns if c not in RUN_COLUMNS)
            marts[table] = sorted(
                con.execute(f"select {select} from {MART_SCHEMA}.{table}").fetchall(), key=repr
            )
    return marts
