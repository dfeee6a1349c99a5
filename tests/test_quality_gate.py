"""The quality gate in Dagster: a failing ERROR suite stops publishing (the previous
publication stays), a failing raw suite stops what is built from raw, a volume warning
does not block. A small graph with the real publish asset and the real check builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.publishing import PUBLISHED_REPORTS, build_publish_asset
from orchestration.defs.quality import ROW_VOLUME_CHECK, build_suite_checks
from orchestration.partitions import as_of_partitions
from orchestration.quality.suites import TableSuite, between, not_null
from orchestration.quality.volume import ROW_COUNTS
from orchestration.settings import Settings
from orchestration.warehouse import connect as warehouse_connection

AS_OF = "2026-11-15"
MART = dg.AssetKey(["marts", "rep_performance"])
INT_DEALS = dg.AssetKey(["intermediate", "int_deals"])
RAW_DEALS = dg.AssetKey(["demo_crm", "deals"])
MART_SUITE = TableSuite("marts", "rep_performance", ("user_id",), (between("win_rate", 0, 1),))
INT_SUITE = TableSuite(
    "canonical", "int_deals", ("deal_id",), (*not_null("owner_id"),), track_volume=True
)
RAW_SUITE = TableSuite("raw", "deals", ("deal_id",), (between("amount", 0),))


def _defs(settings: Settings, data: dict[str, str]) -> dg.Definitions:
    """Raw deals -> one "dbt" step building int_deals and the rep_performance mart (as the
    real dbt asset does) -> published_reports; each table is ``data[<table>]`` (a select)."""
    partitions = as_of_partitions(settings)

    def write(schema: str, table: str) -> None:
        with warehouse_connection(settings.warehouse_path) as con:
            if schema != "marts":  # the marts' own file is attached as catalog `marts`
                con.execute(f"create schema if not exists {schema}")
            con.execute(f"create or replace table {schema}.{table} as {data[table]}")

    @dg.asset(key=RAW_DEALS, partitions_def=partitions)
    def raw_deals() -> None:
        write("raw_demo_crm", "deals")

    @dg.multi_asset(
        specs=[dg.AssetSpec(INT_DEALS, deps=[RAW_DEALS]), dg.AssetSpec(MART, deps=[INT_DEALS])],
        partitions_def=partitions,
    )
    def models() -> Iterator[dg.MaterializeResult]:
        write("intermediate", "int_deals")
        yield dg.MaterializeResult(asset_key=INT_DEALS)
        write("marts", "rep_performance")
        yield dg.MaterializeResult(asset_key=MART)

    job = dg.define_asset_job(
        "refresh",
        selection=dg.AssetSelection.all(),
        partitions_def=partitions,
        executor_def=dg.in_process_executor,
    )
    return dg.Definitions(
        assets=[raw_deals, models, build_publish_asset(settings, [MART])],
        asset_checks=[
            build_suite_checks(settings, "raw_quality", [RAW_SUITE]),
            build_suite_checks(settings, "warehouse_quality", [INT_SUITE, MART_SUITE]),
        ],
        jobs=[job],
    )


GOOD = {
    "deals": "select 'deal-' || range as deal_id, 10.0 * range as amount from range(10)",
    "int_deals": "select 'deal-' || range as deal_id, 'rep-1' as owner_id from range(10)",
    "rep_performance": "select 'rep-' || range as user_id, 0.25 as win_rate from range(5)",
}


@pytest.fixture
def settings(salespulse_home: Path) -> Settings:
    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True)
    return settings


def _run(
    settings: Settings, instance: dg.DagsterInstance, **changes: str
) -> dg.ExecuteInProcessResult:
    job = _defs(settings, {**GOOD, **changes}).resolve_job_def("refresh")
    return job.execute_in_process(partition_key=AS_OF, instance=instance, raise_on_error=False)


def _published_run_id(settings: Settings) -> str:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        return con.execute("select run_id from publication").fetchone()[0]


def _check(
    result: dg.ExecuteInProcessResult, key: dg.AssetKey, name: str
) -> dg.AssetCheckEvaluation:
    [evaluation] = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.asset_check_evaluation_data.asset_check_key == dg.AssetCheckKey(key, name)
    ]
    return evaluation


def _materialized(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {e.asset_key for e in result.get_asset_materialization_events()}


def test_a_failing_mart_suite_stops_publishing_and_keeps_the_previous_publication(
    settings: Settings,
) -> None:
    with dg.instance_for_test() as instance:
        first = _run(settings, instance)
        assert first.success
        before = settings.published_path.read_bytes()
        bad = GOOD["rep_performance"] + " union all select 'rep-bad', 1.5"
        second = _run(settings, instance, rep_performance=bad)
    assert not second.success
    evaluation = _check(second, MART, "gx_marts_suite")
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "rep-bad" in str(evaluation.metadata["failures"].value)
    assert PUBLISHED_REPORTS not in _materialized(second)
    assert settings.published_path.read_bytes() == before
    assert _published_run_id(settings) == first.run_id


def test_a_failing_canonical_suite_stops_publishing_even_when_marts_pass(
    settings: Settings,
) -> None:
    with dg.instance_for_test() as instance:
        bad = GOOD["int_deals"] + " union all select 'deal-orphan', null"
        result = _run(settings, instance, int_deals=bad)
    assert not result.success
    assert not _check(result, INT_DEALS, "gx_canonical_suite").passed
    assert _check(result, MART, "gx_marts_suite").passed
    assert PUBLISHED_REPORTS not in _materialized(result)
    assert not settings.published_path.exists()


def test_a_failing_raw_suite_stops_the_models_built_from_raw(settings: Settings) -> None:
    with dg.instance_for_test() as instance:
        bad = GOOD["deals"] + " union all select 'deal-negative', -1.0"
        result = _run(settings, instance, deals=bad)
    assert not result.success
    evaluation = _check(result, RAW_DEALS, "gx_raw_suite")
    assert not evaluation.passed
    assert "deal-negative" in str(evaluation.metadata["failures"].value)
    assert _materialized(result) == {RAW_DEALS}


def test_a_volume_jump_warns_without_blocking_publication(settings: Settings) -> None:
    with dg.instance_for_test() as instance:
        first = _run(settings, instance)
        more = "select 'deal-' || range as deal_id, 'rep-1' as owner_id from range(100)"
        second = _run(settings, instance, int_deals=more)
    assert _check(first, INT_DEALS, ROW_VOLUME_CHECK).passed  # nothing to compare yet
    warning = _check(second, INT_DEALS, ROW_VOLUME_CHECK)
    assert not warning.passed and warning.severity == dg.AssetCheckSeverity.WARN
    assert warning.metadata["previous_count"].value == 10
    assert warning.metadata["row_count"].value == 100
    assert second.success
    assert _published_run_id(settings) == second.run_id
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        counts = con.execute(f"select row_count from {ROW_COUNTS} order by recorded_at").fetchall()
    assert counts == [(10,), (100,)]
