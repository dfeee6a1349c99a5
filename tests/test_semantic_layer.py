"""The dbt semantic layer (MetricFlow) answers KPI queries on a real warehouse.

One pipeline run (module-scoped, its own SALESPULSE_HOME) builds the marts and the
semantic helpers (schema ``semantic``: time spine, rep months). The dbt project is parsed
into a temporary target whose ``semantic_manifest.json`` MetricFlow reads (``mf`` 0.15
always reads ``<DBT_PROJECT_DIR>/target/``, so ``DBT_PROJECT_DIR`` points at a temporary
folder holding a link to ``dbt_project.yml`` and that target). ``mf validate-configs``
must pass, and ``mf query`` results must equal the same KPIs computed here in SQL from
the marts.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.warehouse import connect as warehouse_connection

AS_OF = "2026-11-15"
SIZE = 2_000
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class MetricFlow:
    """Runs ``mf`` against one warehouse and one parsed semantic manifest."""

    project_dir: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "mf"), *args],
            cwd=self.project_dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def query(self, metrics: str, group_by: str) -> list[dict[str, str]]:
        """Rows of ``mf query`` as dicts of strings (written to CSV by mf)."""
        out = self.project_dir / f"{metrics}-{group_by}.csv".replace(",", "+")
        done = self.run("query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out))
        assert done.returncode == 0 and out.exists(), done.stdout + done.stderr
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("salespulse")
    patch = pytest.MonkeyPatch()
    patch.setenv("SALESPULSE_HOME", str(home))
    patch.setenv("DAGSTER_HOME", str(home / ".dagster"))
    assert main(["run", "--as-of", AS_OF, "--size", str(SIZE)]) == 0
    yield Settings.from_env({"SALESPULSE_HOME": str(home)})
    patch.undo()


@pytest.fixture(scope="module")
def mf(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> MetricFlow:
    project_dir = tmp_path_factory.mktemp("mf_project")
    (project_dir / "dbt_project.yml").symlink_to(DBT_PROJECT_DIR / "dbt_project.yml")
    env = {
        **os.environ,
        **settings.dbt_env(),  # SALESPULSE_WAREHOUSE, DBT_PROFILES_DIR
        "DBT_PROJECT_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    parsed = subprocess.run(
        [
            str(BIN / "dbt"),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(project_dir / "target"),
            "--log-path",
            str(project_dir / "logs"),
            "--vars",
            f'{{"as_of_date": "{AS_OF}"}}',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    assert (project_dir / "target" / "semantic_manifest.json").exists()
    return MetricFlow(project_dir=project_dir, env=env)


def sql(settings: Settings, query: str) -> list[tuple]:
    """Run a query on the warehouse and close it at once (mf opens the file too)."""
    con = warehouse_connection(settings.warehouse_path, read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def number(text: str) -> float | None:
    return None if text == "" else float(text)


def day(text: str) -> str:
    """'2024-01-01 00:00:00' (mf) or a date -> '2024-01-01'."""
    return str(text)[:10]


def test_pipeline_builds_the_semantic_helpers_outside_the_published_schema(
    settings: Settings,
) -> None:
    tables = dict(
        sql(
            settings,
            "select table_name, table_schema from information_schema.tables "
            "where table_name in ('time_spine_daily', 'sem_rep_months')",
        )
    )
    assert tables == {"time_spine_daily": "semantic", "sem_rep_months": "semantic"}, (
        "the pipeline did not build the semantic models: is dbt_project/target/manifest.json"
        " stale? (make manifest)"
    )
    first, last, days = sql(
        settings, "select min(date_day), max(date_day), count(*) from semantic.time_spine_daily"
    )[0]
    assert (str(first), str(last)) == ("2015-01-01", "2035-12-31")
    assert days == (last - first).days + 1
    published = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        names = {row[0] for row in published.execute("show tables").fetchall()}
    finally:
        published.close()
    assert "deals" in names
    assert not names & {"time_spine_daily", "sem_rep_months"}


def test_validate_configs_passes(mf: MetricFlow) -> None:
    done = mf.run("validate-configs")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Successfully validated metrics against data warehouse" in output, output


def test_bookings_and_win_rate_by_quarter_equal_the_deals_mart(
    mf: MetricFlow, settings: Settings
) -> None:
    rows = mf.query("bookings,win_rate,deals_won,deals_closed", "metric_time__quarter")
    expected = {
        day(quarter): (float(bookings), won, closed)
        for quarter, bookings, won, closed in sql(
            settings,
            "select date_trunc('quarter', closed_date), "
            "coalesce(sum(case when deal_status = 'won' then amount end), 0), "
            "sum(case when deal_status = 'won' then 1 else 0 end), count(*) "
            "from marts.deals where deal_status in ('won', 'lost') group by 1",
        )
    }
    assert len(expected) >= 8  # 2024-01 .. 2026-10
    got = {day(row["metric_time__quarter"]): row for row in rows}
    assert got.keys() == expected.keys()
    for quarter, (bookings, won, closed) in expected.items():
        row = got[quarter]
        assert number(row["bookings"]) == pytest.approx(bookings, abs=0.005), quarter
        assert number(row["deals_won"]) == won and number(row["deals_closed"]) == closed
        # won / (won + lost), computed independently: pooled, not an average of rates
        assert number(row["win_rate"]) == pytest.approx(won / closed, rel=1e-12), quarter
    # and the period mart agrees (company rows of team_performance)
    company = dict(
        sql(
            settings,
            "select period_start, bookings from marts.team_performance "
            "where scope = 'company' and period_type = 'quarter'",
        )
    )
    for quarter, (bookings, _, _) in expected.items():
        assert float(company[date.fromisoformat(quarter)]) == pytest.approx(bookings, abs=0.005)


def test_bookings_and_win_rate_by_team_and_by_rep(mf: MetricFlow, settings: Settings) -> None:
    by_team = mf.query("bookings,win_rate", "team")
    expected = {
        team: (float(bookings), rate)
        for team, bookings, rate in sql(
            settings,
            "select owner_team_id, coalesce(sum(case when deal_status = 'won' then amount end), 0),"
            " sum(case when deal_status = 'won' then 1 else 0 end) / count(*) "
            "from marts.deals where deal_status in ('won', 'lost') group by 1",
        )
    }
    assert len(expected) >= 2
    got = {row["team"] or None: row for row in by_team}
    assert got.keys() == expected.keys()
    for team, (bookings, rate) in expected.items():
        assert number(got[team]["bookings"]) == pytest.approx(bookings, abs=0.005), team
        assert number(got[team]["win_rate"]) == pytest.approx(rate, rel=1e-12), team

    by_rep = mf.query("deals_won,avg_deal_value", "rep")
    reps = {
        rep: (won, avg)
        for rep, won, avg in sql(
            settings,
            "select owner_id, sum(case when deal_status = 'won' then 1 else 0 end), "
            "sum(case when deal_status = 'won' then amount end) / "
            "nullif(sum(case when deal_status = 'won' and amount is not null then 1 else 0 end), 0)"
            " from marts.deals where deal_status in ('won', 'lost') group by 1",
        )
    }
    got = {row["rep"]: row for row in by_rep}
    assert got.keys() == reps.keys()
    for rep, (won, avg) in reps.items():
        assert number(got[rep]["deals_won"]) == won
        if avg is None:
            assert got[rep]["avg_deal_value"] == ""
        else:
            assert number(got[rep]["avg_deal_value"]) == pytest.approx(float(avg), rel=1e-9)


def test_attainment_and_period_end_pipeline_match_the_period_marts(
    mf: MetricFlow, settings: Settings
) -> None:
    rows = mf.query("quota_attainment,open_pipeline", "metric_time__quarter")
    company = {
        str(start): (attainment, pipeline, complete)
        for start, attainment, pipeline, complete in sql(
            settings,
            "select team.period_start, team.quota_attainment, reps.open_pipeline, "
            "team.is_complete_period "
            "from marts.team_performance as team "
            "join (select period_start, sum(open_pipeline) as open_pipeline "
            "      from marts.rep_performance where period_type = 'quarter' group by 1) as reps "
            "  on reps.period_start = team.period_start "
            "where team.scope = 'company' and team.period_type = 'quarter'",
        )
    }
    got = {day(row["metric_time__quarter"]): row for row in rows}
    assert got.keys() == company.keys()
    for quarter, (attainment, pipeline, complete) in company.items():
        row = got[quarter]
        # a balance at the quarter's end (the current one: the as-of date), not a sum of
        # three month-ends
        assert number(row["open_pipeline"]) == pytest.approx(float(pipeline), abs=0.005)
        if not complete:
            continue  # the semantic layer's current-quarter quota is to date (its months so far)
        if attainment is None:
            assert row["quota_attainment"] == ""
        else:
            assert number(row["quota_attainment"]) == pytest.approx(attainment, rel=1e-9)
    assert sum(not complete for _, _, complete in company.values()) == 1


def test_churn_and_retention_by_month_match_the_customer_marts(
    mf: MetricFlow, settings: Settings
) -> None:
    rows = mf.query("logo_churn_rate,gross_revenue_retention", "metric_time__month")
    expected = {
        str(month): (churn, grr)
        for month, churn, grr in sql(
            settings,
            "select churn.month_start, churn.logo_churn_rate, mrr.gross_revenue_retention "
            "from marts.customer_churn_monthly as churn "
            "join marts.mrr_movements_monthly as mrr on mrr.month_start = churn.month_start",
        )
    }
    got = {day(row["metric_time__month"]): row for row in rows}
    assert got.keys() == expected.keys()
    for month, (churn, grr) in expected.items():
        for name, value in (("logo_churn_rate", churn), ("gross_revenue_retention", grr)):
            if value is None:
                assert got[month][name] == "", (month, name)
            else:
                assert number(got[month][name]) == pytest.approx(value, rel=1e-9), (month, name)


def test_stage_duration_by_stage_matches_stage_durations(
    mf: MetricFlow, settings: Settings
) -> None:
    rows = mf.query("avg_stage_duration_days,stage_visits", "stage_visit__stage_id")
    expected = {
        stage: (avg, visits)
        for stage, avg, visits in sql(
            settings, "select stage_id, avg_days, visits from marts.stage_durations"
        )
    }
    got = {row["stage_visit__stage_id"]: row for row in rows}
    assert got.keys() == expected.keys()  # closed stages are filtered out
    for stage, (avg, visits) in expected.items():
        assert number(got[stage]["stage_visits"]) == visits
        assert number(got[stage]["avg_stage_duration_days"]) == pytest.approx(avg, rel=1e-9)
