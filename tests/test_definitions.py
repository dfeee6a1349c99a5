"""The Definitions load, and the asset graph runs from CRM tables to the published file."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from orchestration.assembly import build_definitions
from orchestration.defs.transformation import SubprocessDbtCliResource
from orchestration.manifest import load_manifest
from orchestration.settings import Settings


@pytest.fixture
def defs(salespulse_home: Path) -> dg.Definitions:
    return build_definitions(Settings.from_env())


def test_definitions_load_and_validate(defs: dg.Definitions) -> None:
    dg.Definitions.validate_loadable(defs)


def test_every_dbt_source_is_fed_by_a_dlt_asset(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    materializable = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    demo_tables = {k for k in materializable if k.path[0] == "demo_crm"}
    assert len(demo_tables) == 17
    staging = {key for key in materializable if key.path[0] == "staging"}
    source_staging = {key for key in staging if key.path[-1].startswith("stg_demo_crm__")}
    staging_deps = {dep for key in source_staging for dep in graph.get(key).parent_keys}
    assert staging_deps == demo_tables  # no dangling external source keys
    # the canonical interface reads the source's staging models, nothing else
    interface = {key for key in staging if key.path[-1].startswith("stg_crm__")}
    assert len(interface) == 17
    assert {dep for key in interface for dep in graph.get(key).parent_keys} == source_staging


def test_publish_depends_on_every_mart(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    marts = {k for k in graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert {"deals", "stage_durations", "rep_performance", "customer_churn_monthly"} <= {
        k.path[-1] for k in marts
    }
    assert graph.get(dg.AssetKey("published_reports")).parent_keys == marts


def test_jobs_and_schedules_are_defined(defs: dg.Definitions) -> None:
    assert {s.name for s in defs.schedules} == {
        "weekly_refresh_schedule",
        "quarterly_close_schedule",
    }
    for name in ("weekly_refresh", "quarterly_close"):
        assert defs.resolve_job_def(name).partitions_def is not None


@pytest.mark.parametrize(
    ("schedule", "tick", "as_of", "cadence"),
    [
        ("weekly_refresh_schedule", datetime(2026, 11, 23, 6, 0), "2026-11-22", "weekly"),
        ("quarterly_close_schedule", datetime(2026, 10, 1, 6, 0), "2026-09-30", "quarterly"),
    ],
)
def test_schedule_ticks_ask_for_the_right_as_of_date(
    defs: dg.Definitions, schedule: str, tick: datetime, as_of: str, cadence: str
) -> None:
    schedule_def = defs.resolve_schedule_def(schedule)
    context = dg.build_schedule_context(
        scheduled_execution_time=tick.replace(tzinfo=ZoneInfo("UTC")),
        repository_def=defs.get_repository_def(),
    )
    request = schedule_def.evaluate_tick(context).run_requests[0]
    assert request.partition_key == as_of
    assert request.tags["salespulse/cadence"] == cadence


def test_schedules_follow_the_configured_time_zone(
    salespulse_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESPULSE_TIMEZONE", "America/Los_Angeles")
    defs = build_definitions(Settings.from_env())
    weekly = defs.resolve_schedule_def("weekly_refresh_schedule")
    assert weekly.execution_timezone == "America/Los_Angeles"
    # Monday 06:00 in Los Angeles is 14:00 UTC; the tick still asks for Sunday
    tick = datetime(2026, 11, 23, 14, 0, tzinfo=ZoneInfo("UTC"))
    context = dg.build_schedule_context(
        scheduled_execution_time=tick, repository_def=defs.get_repository_def()
    )
    request = weekly.evaluate_tick(context)
    assert request.run_requests[0].partition_key == "2026-11-22"


@pytest.mark.parametrize("crm_source", ["files", "salesforce", "hubspot", "pipedrive"])
def test_each_crm_source_feeds_its_staging_and_the_canonical_interface(
    salespulse_home: Path, monkeypatch: pytest.MonkeyPatch, crm_source: str
) -> None:
    """The source is configuration: its dlt resources are exactly the dbt sources its staging
    reads, and the canonical interface reads that staging, whichever CRM it is."""
    monkeypatch.setenv("SALESPULSE_CRM_SOURCE", crm_source)
    defs = build_definitions(Settings.from_env())
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    materializable = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    landed = {key for key in materializable if key.path[0] == crm_source}
    assert landed
    staging = {key for key in materializable if key.path[0] == "staging"}
    source_staging = {key for key in staging if key.path[-1].startswith(f"stg_{crm_source}__")}
    # raw tables, or the source's own staging (conforming may join two of its tables)
    reads = {dep for key in source_staging for dep in graph.get(key).parent_keys}
    assert reads <= landed | source_staging and reads & landed
    assert not {key for key in staging if key.path[-1].startswith("stg_demo_crm__")}
    interface = {key for key in staging if key.path[-1].startswith("stg_crm__")}
    assert {dep for key in interface for dep in graph.get(key).parent_keys} <= source_staging
    assert len(interface) == 17


def test_dbt_runs_without_an_in_process_adapter(defs: dg.Definitions) -> None:
    """The dbt resource skips the adapter dagster-dbt would build in the Dagster process
    (SubprocessDbtCliResource); the hook it overrides must still exist in dagster-dbt, or
    an upgrade would bring the cost back unnoticed."""
    hook = getattr(DbtCliResource, "_initialize_dbt_core_adapter", None)
    assert callable(hook)
    resource = defs.resources["dbt"]
    assert isinstance(resource, SubprocessDbtCliResource)
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_every_dbt_data_test_is_an_asset_check(defs: dg.Definitions) -> None:
    """A dbt test Dagster cannot attach to one model is logged as a mere observation, with
    a warning in every run: singular tests that read several models name theirs
    (``meta.dagster.ref``)."""
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    tests = {
        node["name"]
        for node in load_manifest()["nodes"].values()
        # a fresh parse keeps the tests of other CRM sources' staging models, disabled
        if node["resource_type"] == "test" and node["config"]["enabled"]
    }
    assert len(tests) > 400
    assert tests - checks == set()


def test_loading_the_definitions_prints_no_warning(salespulse_home: Path) -> None:
    """What every `salespulse run` prints before its first step: no warnings (Dagster's
    beta notice for the backfill policy is filtered where the policy is defined)."""
    code = (
        "from orchestration.assembly import build_definitions\n"
        "from orchestration.settings import Settings\n"
        "build_definitions(Settings.from_env())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, env={**os.environ, "SALESPULSE_HOME": str(salespulse_home)},
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr
