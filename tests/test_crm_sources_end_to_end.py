"""Other CRM sources through the real Dagster job, chosen by configuration: a file export
through ``salespulse import`` and an API (HubSpot, against its fake server on 127.0.0.1)
through ``salespulse run --source``, each ending in a publication."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.settings import PROJECT_ROOT, Settings
from tests.fake_apis.hubspot import FakeHubSpot
from tests.fake_apis.server import FakeServer, Faults

pytestmark = pytest.mark.slow

MAVEN = PROJECT_ROOT / "ingestion" / "files" / "presets" / "maven_crm.yaml"


def _published(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Settings.from_env({"SALESPULSE_HOME": str(home)}).published_path))


def test_maven_export_through_salespulse_import_reproduces_its_known_figures(
    salespulse_home: Path,
) -> None:
    assert main(["import", "--mapping", str(MAVEN)]) == 0
    with _published(salespulse_home) as con:
        won, lost, bookings, cycle = con.execute(
            "select sum(deals_won), sum(deals_lost), sum(bookings),"
            " sum(avg_cycle_days * deals_won) / sum(deals_won)"
            " from team_performance where scope = 'company' and period_type = 'year'"
        ).fetchone()
        deals = con.execute("select count(*) from deals").fetchone()[0]
        as_of, source = con.execute(
            "select a.as_of_date, a.crm_source from refresh_audit a join publication using (run_id)"
        ).fetchone()
    assert round(won / (won + lost), 4) == 0.6315
    assert round(cycle, 2) == 51.78
    assert bookings == 10_005_534
    assert deals == 8_800  # nothing dropped: the file's rows, every one a deal
    assert (as_of, source) == (date(2017, 12, 31), "files")  # the mapping's snapshot date


def test_a_malformed_export_stops_before_anything_is_landed(
    salespulse_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "export"
    broken.mkdir()
    for name in ("sales_pipeline.csv", "accounts.csv", "sales_teams.csv"):
        text = (MAVEN.parent.parent / "datasets" / "maven_crm" / name).read_text()
        (broken / name).write_text(text)
    pipeline = broken / "sales_pipeline.csv"
    lines = pipeline.read_text().splitlines()
    lines[41] = lines[41].replace("2017-", "2017/", 1) + ",extra"
    pipeline.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:7])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAVEN.read_text().replace("../datasets/maven_crm/", str(broken) + "/"))
    assert main(["import", "--mapping", str(mapping)]) == 2
    error = capsys.readouterr().err
    assert "sales_pipeline.csv" in error and "line" in error and "Traceback" not in error
    assert not (salespulse_home / "data" / "warehouse.duckdb").exists()


@pytest.fixture
def hubspot(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHubSpot]:
    api = FakeHubSpot(size=120, faults=Faults.realistic())
    with FakeServer(api) as server:
        monkeypatch.setenv("SOURCES__HUBSPOT__BASE_URL", server.base_url)
        monkeypatch.setenv("SOURCES__HUBSPOT__API_TOKEN", api.token)
        yield api


def test_hubspot_through_dagster_publishes_and_the_next_run_fetches_only_changes(
    salespulse_home: Path, hubspot: FakeHubSpot
) -> None:
    as_of = "2026-11-15"
    assert main(["run", "--source", "hubspot", "--as-of", as_of]) == 0
    with _published(salespulse_home) as con:
        published = {r[0] for r in con.execute("select deal_id from deals").fetchall()}
        audit = con.execute("select crm_source, load_ids from refresh_audit").fetchone()
    created_by_then = {
        deal_id
        for deal_id, record in hubspot.objects["deals"].items()
        if not record.archived and record.properties["createdate"] < "2026-11-16"
    }
    assert published == created_by_then
    assert audit[0] == "hubspot" and json.loads(audit[1])["deals"]

    changed = hubspot.mutate(changes=5)
    searches_before = len(hubspot.searches)
    assert main(["run", "--source", "hubspot", "--as-of", as_of]) == 0
    deal_searches = [body for path, body in hubspot.searches[searches_before:] if "deals" in path]
    assert deal_searches and all(  # incremental: every deal search starts after the first run
        any(
            f.get("propertyName") == "hs_lastmodifieddate"
            for g in body["filterGroups"]
            for f in g["filters"]
        )
        for body in deal_searches
    )
    with _published(salespulse_home) as con:
        assert con.execute("select count(*) from refresh_audit").fetchone()[0] == 2
    assert changed
