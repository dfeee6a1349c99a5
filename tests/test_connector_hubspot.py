"""The HubSpot connector against a fake HubSpot (tests/fake_apis/hubspot.py) on a real
socket: every record exactly once under faults, clear auth errors without the token,
incremental runs that ask only for changes, search slicing past a result cap, recovery
from a run that dies midway, and marts from a faulty load equal to an undisturbed one."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.common.http import ApiLimits
from ingestion.hubspot.source import DATASET, hubspot_pipeline, hubspot_source
from tests.crm_build import build_marts
from tests.fake_apis.hubspot import FakeHubSpot
from tests.fake_apis.server import FakeServer, Faults

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

SIZE = 120
FAST = ApiLimits(requests_per_second=200.0, burst=50)
AS_OF = date(2027, 12, 31)
# raw table -> does it hold archived records too (listed with archived=true)?
OBJECT_TABLES = {
    "deals": True,
    "companies": True,
    "contacts": False,
    "calls": False,
    "emails": False,
    "meetings": False,
    "notes": False,
    "tasks": False,
}


def _load(api: FakeHubSpot, warehouse: Path, fast: bool = True, token: str = "test-token") -> Any:
    limits = {"limits": FAST, "search_limits": FAST} if fast else {}
    with FakeServer(api) as server:
        pipeline = hubspot_pipeline(str(warehouse), str(warehouse.parent / "dlt"))
        return pipeline.run(hubspot_source(base_url=server.base_url, api_token=token, **limits))


def _sql(warehouse: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query).fetchall()


def _ids(warehouse: Path, table: str, where: str = "true") -> list[str]:
    return [r[0] for r in _sql(warehouse, f"select id from {DATASET}.{table} where {where}")]


def _history(warehouse: Path) -> list[tuple[str, str, datetime]]:
    rows = _sql(
        warehouse, f"select deal_id, stage_id, entered_at from {DATASET}.deal_stage_history"
    )
    return [(d, s, e.astimezone(UTC)) for d, s, e in rows]


def assert_exactly_once(api: FakeHubSpot, warehouse: Path) -> None:
    for table, with_archived in OBJECT_TABLES.items():
        ids = _ids(warehouse, table)
        expected = api.all_ids(table) if with_archived else api.live_ids(table)
        assert len(ids) == len(set(ids)), f"duplicate ids in {table}"
        assert set(ids) == expected, f"{table}: loaded ids differ from the server's"
    archived = set(_ids(warehouse, "deals", "archived"))
    assert archived == api.all_ids("deals") - api.live_ids("deals")
    history = _history(warehouse)
    assert len(history) == len(set(history)), "duplicate stage-history rows"
    assert set(history) == api.stage_history()
    owners = _ids(warehouse, "owners")
    assert sorted(owners) == sorted(o["id"] for o in api.owners)
    stages = _sql(warehouse, f"select count(*) from {DATASET}.pipeline_stages")[0][0]
    assert stages == sum(len(p["stages"]) for p in api.pipelines)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One undisturbed load and one under Faults.realistic() at the default rate limits."""
    clean_api = FakeHubSpot(size=SIZE)
    clean = tmp_path_factory.mktemp("clean") / "warehouse.duckdb"
    _load(clean_api, clean)
    faulty_api = FakeHubSpot(size=SIZE, faults=Faults.realistic())
    faulty = tmp_path_factory.mktemp("faulty") / "warehouse.duckdb"
    start = time.perf_counter()
    _load(faulty_api, faulty, fast=False)
    elapsed = time.perf_counter() - start
    yield {"clean": (clean_api, clean), "faulty": (faulty_api, faulty), "elapsed": elapsed}


def test_every_record_exactly_once_under_faults(runs: dict[str, Any]) -> None:
    api, warehouse = runs["faulty"]
    statuses = [r.status for r in api.requests]
    assert 503 in statuses, "the 5xx fault was not exercised"
    assert_exactly_once(api, warehouse)
    rows = sum(_sql(warehouse, f"select count(*) from {DATASET}.{t}")[0][0] for t in OBJECT_TABLES)
    print(f"faulty load: {rows} object rows in {runs['elapsed']:.1f} s")


def test_undisturbed_load_is_complete(runs: dict[str, Any]) -> None:
    api, warehouse = runs["clean"]
    assert_exactly_once(api, warehouse)
    # engagements carry their deal and company associations
    calls = _sql(warehouse, f"select count(deal_id), count(company_id) from {DATASET}.calls")[0]
    assert calls[0] > 0 and calls[1] > 0


def test_marts_from_a_faulty_load_equal_an_undisturbed_one(
    runs: dict[str, Any], tmp_path: Path
) -> None:
    clean = build_marts(runs["clean"][1], "hubspot", AS_OF, tmp_path / "clean")
    faulty = build_marts(runs["faulty"][1], "hubspot", AS_OF, tmp_path / "faulty")
    assert clean["deals"], "no deals reached the marts"
    assert clean["stage_visits"]
    assert clean == faulty


def test_wrong_token_fails_clearly_without_leaking_it(tmp_path: Path) -> None:
    secret = "pat-na1-wrong-4f1c9e"
    api = FakeHubSpot(size=20)
    with pytest.raises(PipelineStepFailed) as failed:
        _load(api, tmp_path / "warehouse.duckdb", token=secret)
    chain, exc = [], failed.value
    while exc is not None:
        chain.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    text = "\n".join(chain)
    assert "401" in text and "SOURCES__HUBSPOT__API_TOKEN" in text
    assert secret not in text
    assert all(r.status == 401 for r in api.requests)


def _search_lower_bounds(api: FakeHubSpot, since: int) -> dict[str, list[int]]:
    """Per object type, the modification-time values searched from (after ``since``)."""
    bounds: dict[str, list[int]] = {}
    for object_type, body in api.searches[since:]:
        for group in body["filterGroups"]:
            for f in group["filters"]:
                if f["propertyName"] != "hs_object_id":
                    bounds.setdefault(object_type, []).append(int(f["value"]))
    return bounds


def test_second_run_loads_only_changes(tmp_path: Path) -> None:
    api = FakeHubSpot(size=SIZE)
    warehouse = tmp_path / "warehouse.duckdb"
    _load(api, warehouse)
    before = {t: int(api.latest_modified(t).timestamp() * 1000) for t in OBJECT_TABLES}
    searches = len(api.searches)
    changed = api.mutate(changes=8)
    info = _load(api, warehouse)
    second = info.loads_ids[-1]
    bounds = _search_lower_bounds(api, searches)
    assert sorted(bounds) == sorted(OBJECT_TABLES)
    for table, values in bounds.items():
        # each object type searched from its own cursor: the last change the first run saw
        assert min(values) == before[table], f"{table} searched from {min(values)}"
    for table in OBJECT_TABLES:
        loaded = _ids(warehouse, table, f"_dlt_load_id = '{second}'")
        assert sorted(loaded) == sorted(changed[table]), f"{table}: second run loaded {loaded}"
    assert_exactly_once(api, warehouse)
    moved = _sql(
        warehouse,
        f"select count(*) from {DATASET}.deal_stage_history where _dlt_load_id = '{second}'",
    )[0][0]
    assert moved >= 8  # the advanced deals' new stage entries


def test_search_slices_past_the_result_cap(tmp_path: Path) -> None:
    api = FakeHubSpot(size=SIZE, search_cap=50)
    touched = api.touch_at_once("calls", 130)  # a bulk edit: 130 calls, one timestamp
    warehouse = tmp_path / "warehouse.duckdb"
    _load(api, warehouse)
    assert all(r.status != 400 for r in api.requests), "a query paged past the cap"
    assert any(
        f["operator"] == "EQ"
        for _, body in api.searches
        for f in body["filterGroups"][0]["filters"]
    ), "the tie group was not walked by id"
    assert touched <= set(_ids(warehouse, "calls"))
    assert_exactly_once(api, warehouse)


def test_run_dying_midway_then_rerun_loads_everything_once(tmp_path: Path) -> None:
    api = FakeHubSpot(size=SIZE, fail_after=30)
    warehouse = tmp_path / "warehouse.duckdb"
    with pytest.raises(PipelineStepFailed, match="HubSpot answered 400"):
        _load(api, warehouse)
    api.fail_after = None
    _load(api, warehouse)
    assert_exactly_once(api, warehouse)
