"""Every class of bad input (tests/bad_inputs.py) in ONE dbt build over a clean demo extract.

The clean extract (300 deals, no mess) is landed as ``raw_demo_crm``; every class plants its
rows; one ``dbt build`` runs; then each class's outcome is asserted, plus global invariants:
the build passed, nothing is unexplained in reconciliation and every clean row is canonical.
Classes whose outcome is a failing dbt test run afterwards as one ``dbt test`` on a copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingestion.demo_crm import generate_tables
from ingestion.demo_crm.config import DemoCrmConfig
from orchestration.warehouse import connect as warehouse_connection
from tests.bad_inputs import (
    BUILD_CLASSES,
    CORPUS,
    ERROR_CLASSES,
    BadInput,
    Error,
    Excluded,
    Normalized,
    Quarantined,
)

ROOT = Path(__file__).resolve().parents[1]
DBT = ROOT / ".venv" / "bin" / "dbt"
PROJECT = ROOT / "dbt_project"
AS_OF = date(2026, 11, 15)
VARS = '{as_of_date: "2026-11-15"}'

pytestmark = pytest.mark.slow


def _dbt(command: str, warehouse: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SALESPULSE_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        [
            str(DBT),
            command,
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
            "--vars",
            VARS,
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _fill(sql: str, templates: dict[str, str]) -> str:
    for key, value in templates.items():
        sql = sql.replace("{" + key + "}", value)
    return sql


def _plant(
    con: duckdb.DuckDBPyConnection, classes: tuple[BadInput, ...], templates: dict[str, str]
) -> None:
    for bad in classes:
        for sql in bad.sql:
            con.execute(_fill(sql, templates))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("bad_inputs")
    warehouse = tmp / "warehouse.duckdb"
    tables = generate_tables(DemoCrmConfig(size=300, mess_rate=0.0, as_of=AS_OF))
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw_demo_crm")
    for name, table in tables.items():
        con.register("clean", table)
        con.execute(
            f"create table raw_demo_crm.{name} as select *, 'clean' as _dlt_load_id from clean"
        )
        con.unregister("clean")
    templates = {
        "deal": con.execute(
            "select min(deal_id) from raw_demo_crm.deals where is_won and not is_deleted "
            "and created_at < timestamp '2026-06-01'"
        ).fetchone()[0],
        "activity": con.execute(
            "select min(activity_id) from raw_demo_crm.activities "
            "where occurred_at < timestamp '2026-06-01'"
        ).fetchone()[0],
        "sub": con.execute(
            "select min(subscription_id) from raw_demo_crm.subscriptions "
            "where start_date < date '2026-06-01'"
        ).fetchone()[0],
        "quota": con.execute(
            "select min(quota_id) from raw_demo_crm.quotas "
            "where owner_type = 'rep' and period_type = 'month'"
        ).fetchone()[0],
    }
    clean_live_deals = con.execute(
        "select count(distinct deal_id) from raw_demo_crm.deals where not is_deleted "
        "and created_at < timestamp '2026-11-16'"
    ).fetchone()[0]
    _plant(con, BUILD_CLASSES, templates)
    con.close()
    result = _dbt("build", warehouse, tmp)

    # failing-test classes: on a copy, then only the models they hit
    errors = tmp / "errors.duckdb"
    shutil.copy(warehouse, errors)
    con = duckdb.connect(str(errors))
    _plant(con, ERROR_CLASSES, templates)
    con.close()
    # `dbt build` would skip the models downstream of the first failing test: run, then test
    selected = (
        "stg_demo_crm__deal_stage_history stg_demo_crm__activities stg_demo_crm__pipeline_stages "
        "stg_demo_crm__quotas int_rep_quotas_monthly "
        "stg_demo_crm__fx_rates int_fx_rates int_fx_rates_daily int_quarantine_deals int_deals "
        "stg_crm__deal_stage_history stg_crm__activities stg_crm__quotas stg_crm__fx_rates "
        "stg_crm__pipeline_stages"
    )
    models_run = _dbt("run", errors, tmp / "errors", "--select", selected)
    assert models_run.returncode == 0, models_run.stdout[-4000:]
    error_run = _dbt("test", errors, tmp / "errors", "--select", selected)
    run_results = json.loads((tmp / "errors" / "target" / "run_results.json").read_text())
    failed = {r["unique_id"] for r in run_results["results"] if r["status"] in ("fail", "error")}
    return {
        "warehouse": warehouse,
        "result": result,
        "templates": templates,
        "clean_live_deals": clean_live_deals,
        "error_run": error_run,
        "failed_tests": failed,
    }


@pytest.fixture
def wh(built: dict):
    con = warehouse_connection(built["warehouse"], read_only=True)
    yield con
    con.close()


def test_corpus_covers_at_least_30_classes_with_unique_names() -> None:
    names = [c.name for c in CORPUS]
    assert len(names) >= 30
    assert len(set(names)) == len(names)


def test_the_one_build_over_all_classes_passes(built: dict) -> None:
    result = built["result"]
    assert result.returncode == 0, result.stdout[-4000:]
    assert "ERROR=0" in result.stdout


def test_nothing_is_unexplained_in_reconciliation(built: dict, wh) -> None:
    rows = wh.execute(
        "select raw_table, load_id, unexplained_rows from marts.reconciliation "
        "where unexplained_rows <> 0 or unexplained_rows is null"
    ).fetchall()
    assert rows == []


def test_every_clean_row_is_canonical(built: dict, wh) -> None:
    clean = wh.execute("select * from marts.reconciliation where load_id = 'clean'").fetchall()
    assert clean
    assert (
        wh.execute(
            "select sum(stale_versions + quarantined) from marts.reconciliation "
            "where load_id = 'clean'"
        ).fetchone()[0]
        == 0
    )
    deals = wh.execute(
        "select count(*) from intermediate.int_deals d join "
        "(select distinct deal_id from raw_demo_crm.deals "
        "where _dlt_load_id = 'clean') c using (deal_id)"
    ).fetchone()[0]
    assert deals == built["clean_live_deals"]


def _reconciliation(wh, raw_table: str, load_id: str) -> dict:
    cur = wh.execute(
        "select * from marts.reconciliation where raw_table = ? and load_id = ?",
        [raw_table, load_id],
    )
    row = cur.fetchone()
    assert row is not None, f"no reconciliation row for {raw_table} / {load_id}"
    return dict(zip([d[0] for d in cur.description], row, strict=True))


@pytest.mark.parametrize("bad", BUILD_CLASSES, ids=lambda c: c.name)
def test_bad_input_has_its_outcome(bad: BadInput, built: dict, wh) -> None:
    outcome = bad.outcome
    if isinstance(outcome, Quarantined):
        rows = wh.execute(
            "select rule, reason from marts.quarantine where load_id = ?", [bad.name]
        ).fetchall()
        assert any(
            rule == outcome.rule and outcome.reason_contains in reason for rule, reason in rows
        ), rows
        rec = _reconciliation(wh, outcome.raw_table, bad.name)
        assert rec["quarantined"] == outcome.rows
        assert rec["canonical_rows"] == 0
    elif isinstance(outcome, Excluded):
        rec = _reconciliation(wh, outcome.raw_table, bad.name)
        assert rec[outcome.column] >= outcome.rows, rec
        assert rec["canonical_rows"] == 0, rec
        assert rec["quarantined"] == 0, rec
    elif isinstance(outcome, Normalized):
        sql = _fill(outcome.check_sql, built["templates"])
        assert wh.execute(sql).fetchone()[0] is True, outcome.how
        for key, expected in outcome.reconciled.items():
            raw_table, column = key.split(".")
            assert _reconciliation(wh, raw_table, bad.name)[column] == expected, key
    else:  # pragma: no cover
        raise AssertionError(f"unexpected outcome {outcome!r}")


@pytest.mark.parametrize("bad", ERROR_CLASSES, ids=lambda c: c.name)
def test_bad_input_fails_its_dbt_test(bad: BadInput, built: dict) -> None:
    assert isinstance(bad.outcome, Error)
    assert built["error_run"].returncode != 0
    assert any(bad.outcome.failing_test in uid for uid in built["failed_tests"]), built[
        "failed_tests"
    ]
