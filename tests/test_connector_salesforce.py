"""The Salesforce connector against a fake Salesforce (real sockets, real faults).

Every record lands exactly once under realistic faults and after a run that dies midway;
a wrong token fails clearly without leaking it; a second run reads only what changed; the
staged stage history equals the org's; and the marts of a faulty run equal those of an
undisturbed one.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.demo_crm import DemoCrmConfig
from ingestion.salesforce.objects import SOBJECTS
from ingestion.salesforce.soql import soql_datetime
from ingestion.salesforce.source import DATASET_NAME, salesforce_source
from tests.crm_build import build_marts
from tests.fake_apis.salesforce import FakeSalesforce
from tests.fake_apis.salesforce_world import stage_truth
from tests.fake_apis.server import FakeServer, Faults

WORLD = DemoCrmConfig(size=400, as_of=date(2026, 6, 30))
LATER = date(2026, 7, 21)
TABLE_OF = {s.name: s.table for s in SOBJECTS}
# custom fields the fake org has, and the vars that tell staging where they landed
EXTRA_FIELDS = {"Opportunity": ["Loss_Reason__c"], "Account": ["Segment__c", "Region__c"]}
EXTRA_VARS = {
    "salesforce_loss_reason_column": "loss_reason__c",
    "salesforce_account_segment_column": "segment__c",
    "salesforce_account_region_column": "region__c",
}


@pytest.fixture(autouse=True)
def dlt_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.setenv("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")


def run(
    server: FakeServer, workdir: Path, token: str = "test-token", name: str = "salesforce"
) -> dlt.Pipeline:
    pipeline = dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=str(workdir / "pipelines"),
        destination=dlt.destinations.duckdb(str(workdir / "warehouse.duckdb")),
        dataset_name=DATASET_NAME,
    )
    source = salesforce_source(
        base_url=server.base_url,
        api_token=token,
        batch_size=200,
        timeout_s=1.0,
        extra_fields=EXTRA_FIELDS,
    )
    pipeline.run(source)
    return pipeline


def raw_ids(workdir: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        return {
            name: [r[0] for r in con.execute(f"select id from {DATASET_NAME}.{table}").fetchall()]
            for name, table in TABLE_OF.items()
        }


def assert_exactly_once(api: FakeSalesforce, workdir: Path) -> None:
    for name, ids in raw_ids(workdir).items():
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert not duplicates, f"{name}: duplicated ids {duplicates[:3]}"
        assert set(ids) == {r["Id"] for r in api.visible(name)}, name


def queries(api: FakeSalesforce) -> list[str]:
    return [r.query["q"][0] for r in api.requests if "q" in r.query and r.status == 200]


def test_full_load_under_faults_lands_every_record_once_and_refetch_merges(
    tmp_path: Path,
) -> None:
    api = FakeSalesforce(world=WORLD, faults=Faults.realistic())
    with FakeServer(api) as server:
        run(server, tmp_path)
        statuses = Counter(r.status for r in api.requests)
        # the faults did happen: 5xx answers, and the slow (3rd) and truncated (5th)
        # responses were retried (429s are rare: the token bucket stays under the burst)
        assert statuses[503] and len(api.requests) > 5, statuses
        assert_exactly_once(api, tmp_path)
        # deleted opportunities arrive flagged (queryAll), as the org shows them
        deleted = {r["Id"] for r in api.visible("Opportunity") if r["IsDeleted"]}
        assert deleted
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
            flagged = {
                r[0]
                for r in con.execute(
                    f"select id from {DATASET_NAME}.opportunities where is_deleted"
                ).fetchall()
            }
        assert flagged == deleted
        # a pipeline without cursor state fetches everything again: merge on Id keeps one row
        run(server, tmp_path, name="salesforce_refetch")
    assert_exactly_once(api, tmp_path)


def test_wrong_token_fails_clearly_without_leaking_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "00Dxx0000001gPL!AQ4AQFakeWrongToken"
    api = FakeSalesforce(world=WORLD)
    with FakeServer(api) as server, pytest.raises(PipelineStepFailed) as failure:
        run(server, tmp_path, token=secret)
    chain: list[BaseException] = []
    error: BaseException | None = failure.value
    while error is not None and len(chain) < 10:
        chain.append(error)
        error = error.__cause__ or error.__context__
    text = " ".join(str(e) for e in chain) + caplog.text
    assert "rejected the access token (401" in text
    assert secret not in text
    assert all(r.status == 401 for r in api.requests)
    assert len(api.requests) == 1  # not retried


def test_second_run_reads_only_changes(tmp_path: Path) -> None:
    api = FakeSalesforce(world=WORLD)
    with FakeServer(api) as server:
        pipeline = run(server, tmp_path)
        cursors = {
            s.name: max(datetime.fromisoformat(r[s.cursor]) for r in api.visible(s.name))
            for s in SOBJECTS
        }
        changed = api.mutate(LATER)
        assert changed["Opportunity"] and changed["OpportunityHistory"] and changed["Task"]
        api.requests.clear()
        pipeline = run(server, tmp_path)
    load_id = pipeline.last_trace.last_load_info.loads_ids[0]
    asked = queries(api)
    for s in SOBJECTS:
        first = [q for q in asked if f" FROM {s.name} " in q]
        assert len(first) == 1, (s.name, first)
        assert f"WHERE {s.cursor} >= {soql_datetime(cursors[s.name])}" in first[0]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        for s in SOBJECTS:
            loaded = {
                r[0]
                for r in con.execute(
                    f"select id from {DATASET_NAME}.{s.table} where _dlt_load_id = ?", [load_id]
                ).fetchall()
            }
            assert loaded == changed[s.name], s.name
    assert_exactly_once(api, tmp_path)


def test_run_dying_on_request_limit_then_rerun_lands_every_record_once(tmp_path: Path) -> None:
    api = FakeSalesforce(world=WORLD, faults=Faults.realistic(), request_limit=15)
    with FakeServer(api) as server:
        with pytest.raises(PipelineStepFailed) as failure:
            run(server, tmp_path)
        assert "REQUEST_LIMIT_EXCEEDED" in str(failure.value)
        assert [r.status for r in api.requests].count(403) == 1  # not retried
        api.request_limit = None  # the 24-hour allocation has recovered
        run(server, tmp_path)
    assert_exactly_once(api, tmp_path)


def test_missing_forecasting_object_is_tolerated(tmp_path: Path) -> None:
    api = FakeSalesforce(world=WORLD, has_forecasting=False)
    with FakeServer(api) as server:
        run(server, tmp_path)
    assert any(r.status == 400 for r in api.requests)
    assert raw_ids(tmp_path)["ForecastingQuota"] == []
    assert raw_ids(tmp_path)["Opportunity"]


def _staged_history(warehouse: Path) -> set[tuple[str, str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select deal_id, stage_id, entered_at from staging.stg_salesforce__deal_stage_history"
        ).fetchall()
    return {(d, s, e.replace(tzinfo=None)) for d, s, e in rows}


def _reconciliation_totals(rows: list[tuple]) -> dict[str, tuple]:
    """Reconciliation is per load; a run split over loads has the same totals per table."""
    totals: dict[str, list] = {}
    for row in rows:
        numbers = [v if v is not None else 0 for v in row[1:-1]]
        acc = totals.setdefault(row[0], [0] * len(numbers))
        totals[row[0]] = [a + n for a, n in zip(acc, numbers, strict=True)]
    return {k: tuple(v) for k, v in totals.items()}


def test_marts_of_faulty_interrupted_run_equal_undisturbed_and_history_intact(
    tmp_path: Path,
) -> None:
    clean, faulty = tmp_path / "clean", tmp_path / "faulty"
    with FakeServer(FakeSalesforce(world=WORLD)) as server:
        run(server, clean)
    api = FakeSalesforce(world=WORLD, faults=Faults.realistic(), request_limit=25)
    with FakeServer(api) as server:
        with pytest.raises(PipelineStepFailed):
            run(server, faulty)
        api.request_limit = None
        run(server, faulty)

    expected = build_marts(clean / "warehouse.duckdb", "salesforce", WORLD.as_of, clean, EXTRA_VARS)
    got = build_marts(faulty / "warehouse.duckdb", "salesforce", WORLD.as_of, faulty, EXTRA_VARS)

    truth = {(d, s, e.replace(tzinfo=None)) for d, s, e in stage_truth(WORLD)}
    assert _staged_history(faulty / "warehouse.duckdb") == truth
    assert _staged_history(clean / "warehouse.duckdb") == truth
    assert expected["deals"] and expected["stage_visits"] and expected["rep_performance"]
    assert sorted(expected) == sorted(got)
    for mart in expected:
        if mart == "reconciliation":
            assert _reconciliation_totals(got[mart]) == _reconciliation_totals(expected[mart])
        else:
            assert got[mart] == expected[mart], mart
