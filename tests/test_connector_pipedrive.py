"""The Pipedrive connector against a fake Pipedrive API serving the demo CRM world in
Pipedrive's shape (tests/fake_apis/pipedrive.py): exactly-once loads under realistic faults,
a clear 401, incremental runs that ask only for changes, intact stage histories, a run that
dies midway, and marts from a faulty run equal to those of an undisturbed one."""

from __future__ import annotations

import copy
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.demo_crm import DemoCrmConfig, generate_tables
from ingestion.pipedrive import DATASET
from ingestion.pipedrive.source import pipedrive_source
from tests.crm_build import build_marts
from tests.fake_apis.pipedrive import PipedriveFakeApi
from tests.fake_apis.pipedrive_world import (
    DEAL_FIELDS,
    ORGANIZATION_FIELDS,
    PipedriveWorld,
    num,
    parse,
)
from tests.fake_apis.server import FakeServer, Faults, LoggedRequest

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ["NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID"] = "true"

AS_OF_1 = date(2026, 6, 30)
AS_OF_2 = date(2026, 7, 14)
SIZE = 300
TOKEN = "pd-secret-token-0123456789"
# A little over the fake's burst limit (8 requests/s), so some 429s with Retry-After happen
# too; short timeout and backoff so the injected slow response and 5xx retry fast.
FAULTY_LIMITS: dict[str, Any] = {
    "requests_per_second": 9.0,
    "burst": 6,
    "timeout_s": 1.0,
    "backoff_factor": 0.1,
    "max_attempts": 8,
}
FAST_LIMITS: dict[str, Any] = {
    "requests_per_second": 500.0,
    "burst": 50,
    "timeout_s": 10.0,
    "backoff_factor": 0.1,
}
INCREMENTAL = {
    "deals": "/api/v2/deals",
    "activities": "/api/v2/activities",
    "persons": "/api/v2/persons",
    "organizations": "/api/v2/organizations",
}
TABLES = (
    "deals",
    "deal_flow",
    "pipelines",
    "stages",
    "users",
    "activities",
    "persons",
    "organizations",
)


def run(server: FakeServer, warehouse: Path, token: str = TOKEN, **limits: Any) -> Any:
    pipeline = dlt.pipeline(
        pipeline_name="pipedrive",
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name=DATASET,
        pipelines_dir=str(warehouse.parent / "dlt_pipelines"),
    )
    source = pipedrive_source(
        api_token=token,
        base_url=server.base_url,
        deal_custom_fields=DEAL_FIELDS,
        organization_custom_fields=ORGANIZATION_FIELDS,
        **limits,
    )
    return pipeline.run(source)


def server_ids(world: PipedriveWorld) -> dict[str, set[int]]:
    """What the API lets the connector see: every deal (deleted ones via status=deleted),
    every live activity, person and organization, every flow entry."""
    ids = {
        entity: {r["id"] for r in getattr(world, entity).values() if not r.get("is_deleted")}
        for entity in ("pipelines", "stages", "users", "activities", "persons", "organizations")
    }
    ids["deals"] = set(world.deals)
    ids["deal_flow"] = {row[0] for row in world.flow_rows()}
    return ids


def raw_ids(warehouse: Path) -> dict[str, list[int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            t: [r[0] for r in con.execute(f"select id from {DATASET}.{t}").fetchall()]
            for t in TABLES
        }


def raw_flow(warehouse: Path) -> set[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            f"select id, deal_id, field_key, old_value, new_value, log_time"
            f" from {DATASET}.deal_flow"
        ).fetchall()
    return {(*r[:5], r[5].astimezone(UTC)) for r in rows}


def assert_exactly_once(warehouse: Path, world: PipedriveWorld) -> None:
    loaded, expected = raw_ids(warehouse), server_ids(world)
    for table in TABLES:
        assert len(loaded[table]) == len(set(loaded[table])), f"duplicates in {table}"
        assert set(loaded[table]) == expected[table], f"{table} differs from the server"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        deals = dict(con.execute(f"select id, update_time from {DATASET}.deals").fetchall())
    assert {k: v.astimezone(UTC) for k, v in deals.items()} == {
        k: parse(d["update_time"]) for k, d in world.deals.items()
    }, "deals are not the server's latest versions"


@dataclass
class FaultyLoad:
    """A full run then an incremental run, both under realistic faults."""

    warehouse: Path
    api: PipedriveFakeApi
    world_after_first: PipedriveWorld
    ids_after_first: dict[str, list[int]]
    first_requests: list[LoggedRequest]
    second_requests: list[LoggedRequest]
    second_flow_requests: list[int]
    second_load_id: str
    changed: dict[str, set[int]]


@pytest.fixture(scope="module")
def faulty_load(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyLoad]:
    workdir = tmp_path_factory.mktemp("pipedrive_faulty")
    world = PipedriveWorld.build(DemoCrmConfig(size=SIZE, as_of=AS_OF_1))
    api = PipedriveFakeApi(token=TOKEN, world=world, faults=Faults.realistic())
    warehouse = workdir / "warehouse.duckdb"
    with FakeServer(api) as server:
        run(server, warehouse, **FAULTY_LIMITS)
        first = list(api.requests)
        ids_after_first = raw_ids(warehouse)
        world_after_first = copy.deepcopy(world)
        changed = api.advance(AS_OF_2)
        flows_before = len(api.flow_requests)
        info = run(server, warehouse, **FAULTY_LIMITS)
        second = api.requests[len(first) :]
    yield FaultyLoad(
        warehouse=warehouse,
        api=api,
        world_after_first=world_after_first,
        ids_after_first=ids_after_first,
        first_requests=first,
        second_requests=second,
        second_flow_requests=api.flow_requests[flows_before:],
        second_load_id=info.loads_ids[-1],
        changed=changed,
    )


def test_wrong_token_gives_a_clear_401_without_the_token(tmp_path: Path) -> None:
    world = PipedriveWorld.build(DemoCrmConfig(size=40, as_of=AS_OF_1))
    api = PipedriveFakeApi(token="the-right-token", world=world)
    wrong = "wrong-token-must-not-leak-42"
    with FakeServer(api) as server, pytest.raises(PipelineStepFailed) as raised:
        run(server, tmp_path / "warehouse.duckdb", token=wrong, **FAST_LIMITS)
    messages = []
    error: BaseException | None = raised.value
    while error is not None:
        messages.append(str(error))
        error = error.__cause__ or error.__context__
    text = "\n".join(messages)
    assert "HTTP 401" in text and "API token" in text and "SOURCES__PIPEDRIVE__API_TOKEN" in text
    assert wrong not in text
    assert all(r.status == 401 for r in api.requests)
    assert all("api_token" not in r.query for r in api.requests)


def test_full_run_under_faults_loads_every_record_exactly_once(faulty_load: FaultyLoad) -> None:
    statuses = {r.status for r in faulty_load.first_requests}
    assert {200, 429, 503} <= statuses, f"the faults did not fire: {statuses}"
    expected = server_ids(faulty_load.world_after_first)
    for table in TABLES:
        loaded = faulty_load.ids_after_first[table]
        assert len(loaded) == len(set(loaded)), f"duplicates in {table}"
        assert set(loaded) == expected[table], table
    assert len(expected["deals"]) > 100 and len(expected["deal_flow"]) > 400
    assert any(faulty_load.world_after_first.deals[d]["is_deleted"] for d in expected["deals"])


def test_token_travels_in_the_header_never_in_urls(faulty_load: FaultyLoad) -> None:
    requests = faulty_load.first_requests + faulty_load.second_requests
    assert requests and all("api_token" not in r.query for r in requests)
    assert all(r.status != 401 for r in requests)


def test_incremental_run_asks_only_for_changes(faulty_load: FaultyLoad) -> None:
    before = faulty_load.world_after_first
    for entity, path in INCREMENTAL.items():
        newest = max(parse(r["update_time"]) for r in getattr(before, entity).values())
        asked = [r for r in faulty_load.second_requests if r.path == path and r.status == 200]
        assert asked, f"no request for {entity}"
        assert {r.query["updated_since"][0] for r in asked} == {
            newest.strftime("%Y-%m-%dT%H:%M:%SZ")
        }, entity
    # the deal flow only for deals that changed, each once
    changed_deals = faulty_load.changed["deals"]
    assert changed_deals and len(changed_deals) < len(faulty_load.api.world.deals) / 4
    assert sorted(set(faulty_load.second_flow_requests)) == sorted(changed_deals)
    # and only the changed rows were loaded by the second run
    with duckdb.connect(str(faulty_load.warehouse), read_only=True) as con:
        for entity in INCREMENTAL:
            loaded = {
                r[0]
                for r in con.execute(
                    f"select id from {DATASET}.{entity} where _dlt_load_id = ?",
                    [faulty_load.second_load_id],
                ).fetchall()
            }
            assert loaded == faulty_load.changed[entity], entity
    assert faulty_load.changed["activities"] and faulty_load.changed["persons"] is not None


def test_after_the_incremental_run_raw_equals_the_server(faulty_load: FaultyLoad) -> None:
    assert_exactly_once(faulty_load.warehouse, faulty_load.api.world)
    assert raw_flow(faulty_load.warehouse) == faulty_load.api.world.flow_rows()


def test_run_dying_midway_then_rerun_loads_every_record_once(tmp_path: Path) -> None:
    world = PipedriveWorld.build(DemoCrmConfig(size=SIZE, as_of=AS_OF_1))
    api = PipedriveFakeApi(token=TOKEN, world=world, fail_after=40)
    warehouse = tmp_path / "warehouse.duckdb"
    with FakeServer(api) as server:
        with pytest.raises(PipelineStepFailed, match="HTTP 403"):
            run(server, warehouse, **FAST_LIMITS)
        api.fail_after = None
        run(server, warehouse, **FAST_LIMITS)
        assert_exactly_once(warehouse, world)
        # the incremental run dies too, halfway through the changed deals' flows
        changed = api.advance(AS_OF_2)
        api.fail_after = api.served + 3 + len(changed["deals"]) // 2
        with pytest.raises(PipelineStepFailed, match="HTTP 403"):
            run(server, warehouse, **FAST_LIMITS)
        api.fail_after = None
        run(server, warehouse, **FAST_LIMITS)
    assert_exactly_once(warehouse, world)
    assert raw_flow(warehouse) == world.flow_rows()


def per_table_totals(rows: list[tuple]) -> list[tuple]:
    """reconciliation rows (load_id already dropped) summed over loads per raw table."""
    totals: dict[tuple, list[Any]] = {}
    for raw_table, *counts, as_of_date in rows:
        key = (raw_table, as_of_date)
        acc = totals.setdefault(key, [None] * len(counts))
        for i, value in enumerate(counts):
            if value is not None:
                acc[i] = value if acc[i] is None else acc[i] + value
    return sorted(((k[0], *v, k[1]) for k, v in totals.items()), key=repr)


def expected_history(world: PipedriveWorld) -> set[tuple[str, str, datetime]]:
    """The demo CRM's stage history (same world, same date) in Pipedrive's ids: what the
    canonical history rebuilt from the deal flow must equal."""
    tables = generate_tables(world.config)
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in tables["deal_stage_history"].to_pylist():
        history[h["deal_id"]].append(h)
    rows = set()
    for demo_id, entries in history.items():
        for h in entries:
            pipeline, open_stage, closed = world.stage_map[h["stage_id"]]
            stage = str(open_stage) if closed is None else f"{pipeline}-{closed}"
            at = h["entered_at"].astimezone(UTC).replace(microsecond=0)
            rows.add((str(num(demo_id)), stage, at))
    return rows


def test_marts_of_the_faulty_run_equal_an_undisturbed_run(
    faulty_load: FaultyLoad, tmp_path: Path
) -> None:
    faulty = build_marts(faulty_load.warehouse, "pipedrive", AS_OF_2, tmp_path / "faulty")
    world = copy.deepcopy(faulty_load.api.world)
    api = PipedriveFakeApi(token=TOKEN, world=world)
    clean_warehouse = tmp_path / "clean" / "warehouse.duckdb"
    clean_warehouse.parent.mkdir()
    with FakeServer(api) as server:
        run(server, clean_warehouse, **FAST_LIMITS)
    assert {r.status for r in api.requests} == {200}
    clean = build_marts(clean_warehouse, "pipedrive", AS_OF_2, tmp_path / "clean")
    assert faulty.keys() == clean.keys()
    assert sum(len(rows) for rows in clean.values()) > 100
    # reconciliation counts rows per load by design: two loads vs one, so compare its totals
    faulty["reconciliation"] = per_table_totals(faulty["reconciliation"])
    clean["reconciliation"] = per_table_totals(clean["reconciliation"])
    for mart in clean:
        assert faulty[mart] == clean[mart], f"mart {mart} differs"
    # the canonical stage history rebuilt from the deal flow is the demo CRM's history
    with duckdb.connect(str(clean_warehouse), read_only=True) as con:
        rebuilt = {
            (d, s, e.replace(tzinfo=UTC))
            for d, s, e in con.execute(
                "select deal_id, stage_id, entered_at"
                " from staging.stg_pipedrive__deal_stage_history"
            ).fetchall()
        }
    assert rebuilt == expected_history(world)
