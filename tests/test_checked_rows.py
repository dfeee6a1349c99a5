"""Data tests configured with ``where: "not_yet_checked(<column>)"`` read only the rows
written since their own last pass (dbt_project/macros/checked_rows.sql), and stay exact.

A small demo warehouse is built once (``dbt build``, which records each restricted test's
pass); each test then writes bad rows into a copy of it and runs ``dbt test``:

* rows stamped as written by an invocation that had run before the pass are not read again
  (this is the saving; it is also what proves the restriction is applied);
* rows written later (another invocation, a later dlt load) are read, and a key they repeat
  is counted over the whole table;
* a failing test records no pass, so the next run reads those rows again (a warning
  neither);
* a test with no recorded pass reads every row.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import dlt
import duckdb
import pytest

from ingestion.demo_crm import DemoCrmConfig
from ingestion.demo_crm.source import demo_crm_source
from orchestration.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow

AS_OF = date(2026, 10, 18)
DBT = Path(sys.executable).with_name("dbt")
ACTIVITIES = "intermediate.int_activities_loaded"
RAW_ACTIVITIES = "raw_demo_crm.activities"
UNIQUE_ACTIVITY = "salespulse_unique_combination_int_activities_loaded_activity_id"
NOT_NULL_ACTIVITY = "not_null_int_activities_loaded_activity_id"
UNIQUE_RAW_ACTIVITY = "salespulse_unique_combination_stg_demo_crm__activities_activity_id"
RAW_HISTORY = "raw_demo_crm.deal_stage_history"
UNIQUE_HISTORY = (
    "salespulse_unique_combination_stg_crm__deal_stage_history_deal_id__stage_id__entered_at"
)


def _dbt(command: str, warehouse: Path, target: Path, select: str, *flags: str) -> dict[str, str]:
    """Run dbt; the status of every node that ran, by name."""
    env = dict(
        os.environ, SALESPULSE_WAREHOUSE=str(warehouse), DBT_PROFILES_DIR=str(DBT_PROJECT_DIR)
    )
    args = [str(DBT), command, "--target-path", str(target), "--log-path", str(target / "logs")]
    args += ["--vars", json.dumps({"as_of_date": AS_OF.isoformat()}), "--select", select, *flags]
    subprocess.run(args, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)
    results = json.loads((target / "run_results.json").read_text())
    return {r["unique_id"].split(".")[2]: r["status"] for r in results["results"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A demo warehouse built and tested once; the build's invocation id."""
    work = tmp_path_factory.mktemp("checked")
    warehouse = work / "warehouse.duckdb"
    dlt.pipeline(
        pipeline_name="checked",
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_demo_crm",
        pipelines_dir=str(work / "dlt"),
    ).run(demo_crm_source(DemoCrmConfig(size=300, as_of=AS_OF)))
    statuses = _dbt("build", warehouse, work / "target", "+int_activity_days_loaded")
    assert set(statuses.values()) <= {"success", "pass"}, statuses
    results = json.loads((work / "target" / "run_results.json").read_text())
    return warehouse, results["metadata"]["invocation_id"]


def _copy(built: tuple[Path, str], tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built[0], copy)
    return copy


def _add_bad_activities(warehouse: Path, stamped_by: str) -> None:
    """A second row for an existing activity id and a row without an id."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {ACTIVITIES} select * replace (? as dbt_invocation_id) "
            f"from {ACTIVITIES} order by activity_id limit 1",
            [stamped_by],
        )
        con.execute(
            f"insert into {ACTIVITIES} select * replace "
            f"(null as activity_id, ? as dbt_invocation_id) from {ACTIVITIES} limit 1",
            [stamped_by],
        )


def test_the_build_records_a_pass_for_every_restricted_test(built: tuple[Path, str]) -> None:
    warehouse, invocation = built
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    statuses = json.loads((warehouse.parent / "target" / "run_results.json").read_text())
    ran = {r["unique_id"] for r in statuses["results"]}
    restricted = {
        uid
        for uid, node in manifest["nodes"].items()
        if uid in ran and "not_yet_checked(" in (node["config"].get("where") or "")
    }
    assert len(restricted) >= 6  # staging activities and email events, the loaded activities
    with duckdb.connect(str(warehouse), read_only=True) as con:
        recorded = con.execute(
            "select test_id from data_test_log.passes where invocation_id = ?", [invocation]
        ).fetchall()
        logged = con.execute(
            "select command from data_test_log.invocations where invocation_id = ?", [invocation]
        ).fetchall()
    assert {r[0] for r in recorded} == restricted
    assert logged == [("build",)]


def test_rows_of_an_invocation_checked_before_are_not_read_again(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    warehouse = _copy(built, tmp_path)
    _add_bad_activities(warehouse, stamped_by=built[1])
    statuses = _dbt("test", warehouse, tmp_path / "target", "int_activities_loaded")
    assert statuses[UNIQUE_ACTIVITY] == statuses[NOT_NULL_ACTIVITY] == "pass"


def test_rows_written_later_are_read_until_a_run_passes(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    warehouse = _copy(built, tmp_path)
    _add_bad_activities(warehouse, stamped_by="a-later-invocation")
    for _ in range(2):  # a failing test records no pass: the next run reads the rows again
        statuses = _dbt("test", warehouse, tmp_path / "target", "int_activities_loaded")
        assert statuses[UNIQUE_ACTIVITY] == statuses[NOT_NULL_ACTIVITY] == "fail"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failing = con.execute(
            "select count(*) from data_test_log.passes where test_id like ?",
            [f"%{UNIQUE_ACTIVITY}%"],
        ).fetchone()[0]
    assert failing == 1  # the build's pass only


def test_a_test_with_no_pass_recorded_reads_every_row(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    warehouse = _copy(built, tmp_path)
    _add_bad_activities(warehouse, stamped_by=built[1])
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from data_test_log.passes")
    statuses = _dbt("test", warehouse, tmp_path / "target", "int_activities_loaded")
    assert statuses[UNIQUE_ACTIVITY] == statuses[NOT_NULL_ACTIVITY] == "fail"


def test_staging_rows_are_told_apart_by_their_load(built: tuple[Path, str], tmp_path: Path) -> None:
    """A raw row of a load that started before the last pass was checked; a later load's
    row is read, and the id it repeats is counted over the whole table."""
    warehouse = _copy(built, tmp_path)
    duplicate = (
        f"insert into {RAW_ACTIVITIES} select * replace (? as _dlt_load_id) "
        f"from {RAW_ACTIVITIES} order by activity_id limit 1"
    )
    with duckdb.connect(str(warehouse)) as con:
        (old_load,) = con.execute(f"select min(_dlt_load_id) from {RAW_ACTIVITIES}").fetchone()
        con.execute(duplicate, [old_load])
    select = "stg_demo_crm__activities"
    assert _dbt("test", warehouse, tmp_path / "target", select)[UNIQUE_RAW_ACTIVITY] == "pass"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(duplicate, [f"{time.time():.6f}"])
    assert _dbt("test", warehouse, tmp_path / "target", select)[UNIQUE_RAW_ACTIVITY] == "fail"


def test_a_full_refresh_forgets_every_pass(built: tuple[Path, str], tmp_path: Path) -> None:
    """After a change to a generic test's SQL (which keeps the tests' ids), a full refresh
    has every restricted test read every row again, as it rebuilds every incremental model."""
    warehouse = _copy(built, tmp_path)
    statuses = _dbt(
        "run", warehouse, tmp_path / "target", "stg_demo_crm__activities", "--full-refresh"
    )
    assert set(statuses.values()) == {"success"}, statuses
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from data_test_log.passes").fetchone() == (0,)


def test_a_warning_records_no_pass_so_its_rows_are_read_again(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    """The stage history's key check warns (exact duplicates are collapsed downstream): a
    warning is not a pass, so the duplicate's load is read on every run until it is gone."""
    warehouse = _copy(built, tmp_path)
    select = "+stg_crm__deal_stage_history"
    statuses = _dbt("build", warehouse, tmp_path / "target", select)
    assert statuses[UNIQUE_HISTORY] == "pass"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"insert into {RAW_HISTORY} select * replace (? as _dlt_load_id) "
            f"from {RAW_HISTORY} order by deal_id, entered_at limit 1",
            [f"{time.time():.6f}"],
        )
    for _ in range(2):
        assert _dbt("test", warehouse, tmp_path / "target", select)[UNIQUE_HISTORY] == "warn"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        passes = con.execute(
            "select count(*) from data_test_log.passes where test_id like ?",
            [f"%.{UNIQUE_HISTORY}.%"],
        ).fetchone()[0]
    assert passes == 1  # the build's
