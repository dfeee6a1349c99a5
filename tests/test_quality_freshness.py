"""Source freshness: the dbt sources' declared thresholds, measured at the as-of date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.assembly import build_definitions
from orchestration.defs.transformation import dbt_project, ensure_manifest
from orchestration.quality.freshness import FreshnessRule, freshness_rules, measure
from orchestration.settings import Settings


def _rule(table: str) -> FreshnessRule:
    return FreshnessRule("demo_crm", table, "raw", "updated_at", 8.0, 15.0)


def test_rules_come_from_the_dbt_sources_freshness_config() -> None:
    manifest = json.loads(ensure_manifest(dbt_project()).read_text())
    rules = {rule.table: rule for rule in freshness_rules(manifest)}
    assert rules["deals"] == FreshnessRule(
        "demo_crm", "deals", "raw_demo_crm", "updated_at", 8.0, 15.0
    )
    assert rules["activities"].loaded_at_field == "occurred_at"
    assert "users" not in rules  # declares no freshness


@pytest.mark.parametrize(
    ("newest", "status"),
    [
        ("2026-11-10 12:00:00", "pass"),  # 5.5 days before the end of 2026-11-15
        ("2026-11-01 00:00:00", "warn"),  # exactly 15 days: past warn (8), not past error
        ("2026-10-20 00:00:00", "error"),  # 27 days
    ],
)
def test_age_is_measured_at_the_end_of_the_as_of_date(
    tmp_path: Path, newest: str, status: str
) -> None:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.deals as select * from (values "
            f"(timestamp '2026-01-01 00:00:00'), (timestamp '{newest}')) as t(updated_at)"
        )
    [result] = measure(path, [_rule("deals")], date(2026, 11, 15))
    assert result.status == status, result.description
    assert "deals" in result.description


def test_an_empty_source_table_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.deals (updated_at timestamp)")
    [result] = measure(path, [_rule("deals")], date(2026, 11, 15))
    assert result.status == "error"
    assert "no rows" in result.description


def test_every_raw_table_with_declared_freshness_has_a_check(salespulse_home: Path) -> None:
    defs = build_definitions(Settings.from_env())
    graph = defs.resolve_asset_graph()
    keys = {key for key in graph.asset_check_keys if key.name == "source_freshness"}
    assert dg.AssetCheckKey(dg.AssetKey(["demo_crm", "deals"]), "source_freshness") in keys
    assert len(keys) == len(freshness_rules(json.loads(dbt_project().manifest_path.read_text())))
