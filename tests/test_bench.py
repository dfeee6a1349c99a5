"""The benchmark's pure parts (table, ratios, stages from a run's events) and the floor's
honesty: on a tiny demo CRM its stage durations, rep bookings, weekly activity counts and
logo churn equal the dbt marts'. No timing is asserted anywhere."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bench import SIZES
from bench.cli import add_arguments, output_deleted_with_workdir, size_arg
from bench.cli import main as bench_main
from bench.events import Event, events_from_rows, run_times, stage_of
from bench.floor import floor_sql, generate
from bench.report import Row, format_table, markdown_table, rate, ratio, ratios

AS_OF = date(2026, 11, 15)

# A run's event log as Dagster records it (timestamps shortened), in scrambled order.
RECORDED = [
    [100.0, "ASSET_MATERIALIZATION_PLANNED", "demo_crm_tables"],
    [100.5, "ASSET_CHECK_EVALUATION_PLANNED", "salespulse_dbt_models"],
    [108.0, "PIPELINE_START", None],
    [108.1, "STEP_START", "demo_crm_tables"],
    [111.1, "STEP_SUCCESS", "demo_crm_tables"],
    [111.2, "STEP_START", "raw_quality"],
    [117.2, "STEP_SUCCESS", "raw_quality"],
    [117.3, "STEP_START", "source_freshness"],
    [117.5, "STEP_SUCCESS", "source_freshness"],
    [117.6, "STEP_START", "salespulse_dbt_models"],
    [130.0, "ASSET_CHECK_EVALUATION", "salespulse_dbt_models"],
    [153.6, "STEP_SUCCESS", "salespulse_dbt_models"],
    [153.7, "STEP_START", "warehouse_quality"],
    [155.7, "STEP_SUCCESS", "warehouse_quality"],
    [155.8, "STEP_START", "published_reports"],
    [170.8, "STEP_SUCCESS", "published_reports"],
    [170.9, "STEP_START", "published_reports_published_file_matches_warehouse"],
    [171.0, "STEP_SUCCESS", "published_reports_published_file_matches_warehouse"],
    [171.1, "PIPELINE_SUCCESS", None],
    [170.0, None, "published_reports"],  # a plain log line
]


def test_sizes_and_size_argument() -> None:
    assert SIZES == {"S": 10_000, "M": 1_000_000, "L": 10_000_000}
    assert size_arg("m") == ("M", 1_000_000)
    assert size_arg("25_000") == ("25000", 25_000)


def test_steps_are_assigned_to_stages() -> None:
    assert stage_of("demo_crm_tables") == "ingest"
    assert stage_of("files_tables") == "ingest"
    assert stage_of("salespulse_dbt_models") == "dbt build"
    assert stage_of("published_reports") == "publish"
    assert stage_of("raw_quality") == "checks"
    assert stage_of("source_freshness") == "checks"
    assert stage_of("published_reports_published_file_matches_warehouse") == "checks"
    assert stage_of("something_else") == "other"


def test_stage_times_from_recorded_events() -> None:
    times = run_times(reversed(events_from_rows(RECORDED)))
    seconds = times.stage_seconds
    assert seconds["ingest"] == pytest.approx(3.0)
    assert seconds["checks"] == pytest.approx(6.0 + 0.2 + 2.0 + 0.1)
    assert seconds["dbt build"] == pytest.approx(36.0)
    assert seconds["publish"] == pytest.approx(15.0)
    assert [s.step_key for s in times.steps][:2] == ["demo_crm_tables", "raw_quality"]
    assert times.planning_seconds == pytest.approx(8.0)
    assert (times.run_start, times.run_end) == (108.0, 171.1)
    assert times.event_counts["STEP_START"] == 7
    assert times.event_counts["LOG"] == 1
    json.dumps(times.as_dict())  # serialisable as the benchmark's JSON


def test_a_failed_step_still_counts_and_an_unfinished_one_does_not() -> None:
    times = run_times(
        [
            Event(0.0, "PIPELINE_START"),
            Event(1.0, "STEP_START", "demo_crm_tables"),
            Event(4.0, "STEP_FAILURE", "demo_crm_tables"),
            Event(5.0, "STEP_START", "salespulse_dbt_models"),
            Event(6.0, "PIPELINE_FAILURE"),
        ]
    )
    assert [(s.step_key, s.status, s.seconds) for s in times.steps] == [
        ("demo_crm_tables", "failure", 3.0)
    ]
    assert times.stage_seconds == {"ingest": 3.0, "checks": 0.0, "dbt build": 0.0, "publish": 0.0}
    with pytest.raises(ValueError):
        run_times([])


def test_ratio_and_rate() -> None:
    assert ratio(30.0, 1.5) == pytest.approx(20.0)
    assert ratio(30.0, 0.0) is None
    assert ratio(None, 1.0) is None
    assert rate(1_000_000, 2.0) == pytest.approx(500_000)
    assert rate(0, 2.0) is None
    computed = ratios(
        floor_s=2.0,
        dbt_s=40.0,
        refresh_s=100.0,
        fixed_s=30.0,
        baseline={"dbt build": 30.0, "refresh": 80.0},
    )
    assert computed == {
        "dbt_build_over_floor": pytest.approx(20.0),
        "refresh_over_floor": pytest.approx(50.0),
        "refresh_minus_fixed_over_floor": pytest.approx(35.0),
        "dbt_build_minus_small_over_floor": pytest.approx(5.0),
        "refresh_minus_small_over_floor": pytest.approx(10.0),
    }
    assert "dbt_build_minus_small_over_floor" not in ratios(
        floor_s=2.0, dbt_s=1.0, refresh_s=1.0, fixed_s=0.0
    )


def test_table_formatting() -> None:
    rows = [
        Row("dbt build", 12.5, 5_000_000, 1234.4, "models and tests"),
        Row("floor", 2.5, 5_000_000),
        Row("reports", None, note="n/a"),
    ]
    text = format_table(rows, floor_seconds=2.5).splitlines()
    assert text[0].split() == ["stage", "seconds", "rows/s", "x", "floor", "peak", "RSS", "note"]
    assert set(text[1]) <= {"-", " "}
    assert text[2].split()[:5] == ["dbt", "build", "12.5", "400k", "5.0x"]
    assert "1,234 MB" in text[2] and text[2].endswith("models and tests")
    assert text[3].split() == ["floor", "2.50", "2.00M", "1.0x"]
    assert text[4].split() == ["reports", "n/a", "n/a"]
    markdown = markdown_table(rows, floor_seconds=2.5).splitlines()
    assert markdown[0].startswith("| stage | seconds |")
    assert markdown[2] == "| dbt build | 12.5 | 400k | 5.0x | 1,234 MB | models and tests |"


def test_floor_sql_fills_every_placeholder(tmp_path: Path) -> None:
    sql = floor_sql(tmp_path, AS_OF)
    assert "{" not in sql and "}" not in sql
    assert "timestamp '2026-11-16 00:00:00'" in sql
    assert f"'{tmp_path}/deals.parquet'" in sql


# --- the floor against the marts ------------------------------------------------------------

MARTS = ["stage_durations", "rep_performance", "activity_weekly", "customer_churn_monthly"]


@pytest.fixture(scope="module")
def floor_and_marts(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The demo CRM at 300 deals: Parquet for the floor, and landed by dlt and built by dbt
    (the four marts and what they need) for the marts; one connection seeing both."""
    import dlt

    from ingestion.demo_crm import DemoCrmConfig, demo_crm_source
    from orchestration.defs.transformation import DBT_EXECUTABLE
    from orchestration.settings import DBT_PROJECT_DIR
    from orchestration.warehouse import attach_marts

    work = tmp_path_factory.mktemp("bench_floor")
    generate(300, AS_OF, work / "parquet")
    warehouse = work / "warehouse.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="bench_floor",
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_demo_crm",
        pipelines_dir=str(work / "dlt"),
    )
    pipeline.run(demo_crm_source(DemoCrmConfig(size=300, as_of=AS_OF)))
    done = subprocess.run(
        [
            str(DBT_EXECUTABLE), "run", "--quiet",
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(work / "dbt_target"), "--log-path", str(work / "dbt_logs"),
            "--select", " ".join(f"+{m}" for m in MARTS),
            "--vars", json.dumps({"as_of_date": AS_OF.isoformat()}),
        ],
        env={**os.environ, "SALESPULSE_WAREHOUSE": str(warehouse),
             "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    con = duckdb.connect()
    con.execute(floor_sql(work / "parquet", AS_OF))
    con.execute(f"attach '{warehouse}' as wh (read_only)")
    attach_marts(con, warehouse, read_only=True)
    yield con
    con.close()


@pytest.mark.slow
def test_floor_stage_durations_equal_the_mart(floor_and_marts: duckdb.DuckDBPyConnection) -> None:
    mart = floor_and_marts.execute(
        "select pipeline_id, stage_id, visits, open_visits, avg_days, median_days, p90_days "
        "from marts.stage_durations where visits > 0 order by 1, 2"
    ).fetchall()
    floor = floor_and_marts.execute(
        "select pipeline_id, stage_id, visits, open_visits, avg_days, median_days, p90_days "
        "from floor_stage_durations order by 1, 2"
    ).fetchall()
    assert len(mart) >= 5 and sum(r[2] for r in mart) > 300
    assert [r[:4] for r in floor] == [r[:4] for r in mart]
    for f, m in zip(floor, mart, strict=True):
        assert f[4:] == pytest.approx(m[4:], rel=1e-12)


@pytest.mark.slow
def test_floor_rep_bookings_equal_the_mart(floor_and_marts: duckdb.DuckDBPyConnection) -> None:
    columns = "user_id, period_start, deals_won, deals_lost, bookings, win_rate, avg_cycle_days"
    mart = floor_and_marts.execute(
        f"select {columns} from marts.rep_performance "
        "where period_type = 'month' and deals_won + deals_lost > 0 order by 1, 2"
    ).fetchall()
    floor = floor_and_marts.execute(
        f"select {columns} from floor_rep_performance_monthly order by 1, 2"
    ).fetchall()
    assert sum(r[2] for r in mart) > 20 and sum(r[4] for r in mart) > 0
    assert [r[:5] for r in floor] == [r[:5] for r in mart]  # bookings exact to the cent
    for f, m in zip(floor, mart, strict=True):
        for floor_value, mart_value in zip(f[5:], m[5:], strict=True):
            assert (floor_value is None) == (mart_value is None)
            if mart_value is not None:
                assert floor_value == pytest.approx(mart_value, rel=1e-12)


@pytest.mark.slow
def test_floor_activity_and_churn_equal_the_marts(
    floor_and_marts: duckdb.DuckDBPyConnection,
) -> None:
    # the mart has a row per rep-week of employment; the floor counts every owner's weeks
    mismatched = floor_and_marts.execute(
        """
        select count(*), count(*) filter (where m.n is distinct from coalesce(f.n, 0))
        from (select user_id, week_start, calls + meetings + emails + demos as n
              from marts.activity_weekly) as m
        left join (select user_id, week_start, sum(activities) as n
                   from floor_activity_weekly group by all) as f
            on m.user_id = f.user_id and m.week_start = f.week_start
        """
    ).fetchone()
    assert mismatched[0] > 100 and mismatched[1] == 0
    mart = floor_and_marts.execute(
        "select month_start, customers_at_start, customers_churned "
        "from marts.customer_churn_monthly where customers_at_start > 0 order by 1"
    ).fetchall()
    floor = floor_and_marts.execute(
        "select month_start, customers_at_start, customers_churned "
        "from floor_customer_churn_monthly order by 1"
    ).fetchall()
    assert mart and floor == mart


def test_a_json_file_inside_the_deleted_work_dir_is_refused(tmp_path: Path) -> None:
    """The work dir is deleted at the end (without --keep): results written inside it
    would go with it, so the command refuses before running."""
    work = tmp_path / "work"
    with pytest.raises(SystemExit) as refused:
        bench_main(["--size", "300", "--workdir", str(work), "--json", str(work / "r.json")])
    assert refused.value.code == 2
    parser = add_arguments(argparse.ArgumentParser())
    inside = parser.parse_args(["--workdir", str(work), "--json", str(work / "r.json")])
    assert "inside --workdir" in (output_deleted_with_workdir(inside) or "")
    kept = parser.parse_args(["--workdir", str(work), "--json", str(work / "r.json"), "--keep"])
    beside = parser.parse_args(["--workdir", str(work), "--json", str(tmp_path / "r.json")])
    assert output_deleted_with_workdir(kept) is None
    assert output_deleted_with_workdir(beside) is None


def test_weekly_and_weekly_only_are_exclusive(tmp_path: Path) -> None:
    """--weekly-only replaces the full benchmark with the weekly schedule in one home; asking
    for both is refused before anything runs."""
    with pytest.raises(SystemExit) as refused:
        bench_main(["--size", "300", "--weekly", "--weekly-only", "--workdir", str(tmp_path)])
    assert refused.value.code == 2
    assert not any(tmp_path.iterdir())
