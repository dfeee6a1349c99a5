"""Column lineage on a hand-written two-model project: values, filters and joins, and hops."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.transformation import (
    LayeredDbtTranslator,
    column_lineage,
    table_asset_key,
)
from orchestration.lineage import (
    ROWS,
    Edge,
    code_fingerprint,
    published_lineage,
    raw_fields,
    read_edges,
    trace,
    write_edges,
)
from orchestration.manifest import load_manifest
from orchestration.report_lineage import report_lineage
from orchestration.reports_check import load_pages
from orchestration.warehouse import connect as warehouse_connection

STAGING_SQL = """
with source as (select * from "wh"."raw_crm"."deals")
select deal_id, cast(amount as decimal(18, 2)) as amount_local, stage_id, is_deleted
from source
"""

MART_SQL = """
with deals as (select * from "wh"."staging"."stg_deals"),
stages as (select * from "wh"."raw_crm"."stages"),
won as (
    select deals.deal_id, deals.amount_local
    from deals
    join stages on deals.stage_id = stages.stage_id
    where stages.is_won and not deals.is_deleted
)
select count(*) as deals_won, sum(amount_local) as bookings from won
"""


def _manifest() -> dict:
    def model(name: str, database: str, schema: str, sql: str) -> dict:
        return {
            "resource_type": "model",
            "name": name,
            "database": database,
            "schema": schema,
            "alias": name,
            "compiled_code": sql,
            "checksum": {"checksum": str(hash(sql))},
        }

    def source(name: str) -> dict:
        return {
            "resource_type": "source",
            "name": name,
            "database": "wh",
            "schema": "raw_crm",
            "identifier": name,
            "checksum": {"checksum": ""},
        }

    return {
        "nodes": {
            "model.p.stg_deals": model("stg_deals", "wh", "staging", STAGING_SQL),
            # the marts in their own file, attached as catalog `marts` (schema main)
            "model.p.bookings": model("bookings", "marts", "main", MART_SQL),
        },
        "sources": {"source.p.crm.deals": source("deals"), "source.p.crm.stages": source("stages")},
    }


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = warehouse_connection(tmp_path / "wh.duckdb")
    con.execute("create schema raw_crm; create schema staging")
    con.execute(
        "create table raw_crm.deals (deal_id varchar, amount double, stage_id varchar, "
        "is_deleted boolean)"
    )
    con.execute("create table raw_crm.stages (stage_id varchar, is_won boolean)")
    con.execute(f"create view staging.stg_deals as {STAGING_SQL}")
    con.execute(f"create table marts.bookings as {MART_SQL}")
    return con


def test_a_sum_depends_on_its_amount_and_on_the_columns_that_filter_and_join(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    edges = published_lineage(_manifest(), warehouse, ["marts.bookings"], tmp_path / "l.json")
    assert raw_fields(edges, "marts.bookings", "bookings") == {
        "raw_crm.deals.amount",  # the value
        "raw_crm.stages.is_won",  # the filter that says which deals are won
        "raw_crm.deals.is_deleted",  # the filter that drops deleted deals
        "raw_crm.deals.stage_id",  # the join
        "raw_crm.stages.stage_id",
    }
    value_hops = [
        (e.upstream_table, e.upstream_column, e.expression)
        for _, e in trace(edges, "marts.bookings", "bookings")
        if e.kind == "value"
    ]
    assert ("staging.stg_deals", "amount_local", 'SUM("won"."amount_local")') in value_hops
    assert (
        "raw_crm.deals",
        "amount",
        'CAST("source"."amount" AS DECIMAL(18, 2))',
    ) in value_hops


def test_a_count_has_no_value_column_but_still_depends_on_the_filters(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    edges = published_lineage(_manifest(), warehouse, ["marts.bookings"], tmp_path / "l.json")
    assert "raw_crm.stages.is_won" in raw_fields(edges, "marts.bookings", "deals_won")
    assert "raw_crm.deals.amount" not in raw_fields(edges, "marts.bookings", "deals_won")
    filters = {e for e in edges if e.kind == "filter"}
    assert filters and all(e.column == ROWS for e in filters)


def test_lineage_is_cached_by_code_and_recomputed_when_code_changes(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    cache = tmp_path / "l.json"
    manifest = _manifest()
    first = published_lineage(manifest, warehouse, ["marts.bookings"], cache)
    stamp = cache.stat().st_mtime_ns
    assert published_lineage(manifest, warehouse, ["marts.bookings"], cache) == first
    assert cache.stat().st_mtime_ns == stamp
    manifest["nodes"]["model.p.bookings"]["checksum"]["checksum"] = "changed"
    assert code_fingerprint(manifest) != code_fingerprint(_manifest())
    published_lineage(manifest, warehouse, ["marts.bookings"], cache)
    assert cache.stat().st_mtime_ns != stamp


def test_edges_round_trip_through_a_table(warehouse: duckdb.DuckDBPyConnection) -> None:
    edges = [Edge("marts.t", "x", "raw_crm.deals", "amount", "value", "sum(amount)")]
    write_edges(warehouse, "publish", edges)
    assert read_edges(warehouse, "publish.lineage_edges") == edges


def test_dagster_column_lineage_points_at_the_dlt_and_dbt_asset_keys() -> None:
    edges = [
        Edge("marts.t", "x", "staging.s", "y", "value", ""),
        Edge("staging.s", "y", "raw_hubspot.deals", "amount", "value", ""),
        Edge("marts.t", ROWS, "staging.s", "deleted", "filter", "not deleted"),
    ]
    lineage = column_lineage(edges)
    assert table_asset_key("raw_hubspot.deals") == dg.AssetKey(["hubspot", "deals"])
    assert set(lineage["marts.t"].deps_by_column["x"]) == {
        dg.TableColumnDep(asset_key=dg.AssetKey(["staging", "s"]), column_name="y"),
        dg.TableColumnDep(asset_key=dg.AssetKey(["staging", "s"]), column_name="deleted"),
    }


def test_report_query_columns_trace_through_inlined_queries_to_published_columns(
    tmp_path: Path,
) -> None:
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    (pages_dir / "sales.md").write_text(
        "# Sales\n\n"
        "```sql won\nselect owner_id, amount from salespulse.deals\n"
        "where deal_status = 'won'\n```\n\n"
        "```sql by_rep\nselect owner_id, sum(amount) as bookings from ${won}\n"
        "where owner_id = '${params.rep}' group by owner_id\n```\n"
    )
    pages = load_pages(pages_dir)
    edges = report_lineage(pages, {"deals": ["deal_id", "owner_id", "amount", "deal_status"]})
    hops = {
        (e.upstream_table, e.upstream_column, e.kind)
        for e in edges
        if e.table == "reports.sales:by_rep"
    }
    assert ("marts.deals", "amount", "value") in hops
    assert ("marts.deals", "deal_status", "filter") in hops  # the inlined query's filter
    assert ("marts.deals", "owner_id", "filter") in hops  # the page's own filter
    published = [Edge("marts.deals", "amount", "raw_crm.deals", "amount", "value", "")]
    assert raw_fields([*edges, *published], "reports.sales:by_rep", "bookings") == {
        "raw_crm.deals.amount"
    }


def test_a_mart_asset_shows_the_column_lineage_of_its_marts_name() -> None:
    """Marts are ``marts.<table>`` in the lineage (their own file's catalog), not the
    ``main`` schema their dbt nodes name (orchestration/warehouse.py)."""
    edges = [Edge("marts.deals", "amount", "intermediate.int_deals", "amount", "value", "")]
    spec = LayeredDbtTranslator(edges).get_asset_spec(
        load_manifest(), "model.salespulse.deals", None
    )
    lineage = spec.metadata["dagster/column_lineage"]
    upstream = dg.AssetKey(["intermediate", "int_deals"])
    assert lineage.deps_by_column["amount"] == [
        dg.TableColumnDep(asset_key=upstream, column_name="amount")
    ]
