"""dbt assets: every model of ``dbt_project/`` built as of the run's partition date."""

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from orchestration.defs import BACKFILL_POLICY, WAREHOUSE_POOL
from orchestration.environment import scoped_environment
from orchestration.lineage import RAW_SCHEMA_PREFIX, ROWS, Edge, load_cached_edges
from orchestration.manifest import load_manifest, mart_nodes
from orchestration.memory import release_unused_memory
from orchestration.partitions import as_of_partitions
from orchestration.settings import DBT_PROJECT_DIR, DEFAULT_CRM_SOURCE, Settings
from orchestration.warehouse import relation_name

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
"""dbt from this interpreter's environment, found without relying on PATH."""


class SubprocessDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without the dbt adapter it builds inside the Dagster
    process before every invocation.

    That in-process handle serves only ``fetch_row_counts`` and ``fetch_column_metadata``,
    which SalesPulse does not call (row counts come from the volume checks); building it
    imports dbt-core and loads the profile and the project in the Dagster process: 1.3 s
    of every run on a quiet machine (docs/performance.md). dbt itself runs as dagster-dbt's
    subprocess either way. ``tests/test_definitions.py`` fails if dagster-dbt renames the
    hook, so an upgrade cannot silently bring the cost back.
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def manifest_target(crm_source: str = DEFAULT_CRM_SOURCE) -> Path:
    """Where the parsed project for ``crm_source`` lives, relative to the dbt project.

    The default source's manifest is dbt's own ``target/`` (what ``dbt parse`` writes);
    another source enables other staging models, so its manifest is parsed apart.
    """
    return Path("target") if crm_source == DEFAULT_CRM_SOURCE else Path("target") / crm_source


def dbt_project(settings: Settings | None = None) -> DbtProject:
    crm_source = settings.crm_source if settings else DEFAULT_CRM_SOURCE
    return DbtProject(
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target_path=manifest_target(crm_source),
    )


def ensure_manifest(project: DbtProject, crm_source: str = DEFAULT_CRM_SOURCE) -> Path:
    """Parse the dbt project for ``crm_source`` if its manifest is missing or older than any
    file of the project (setup parses the default source up front)."""
    if _manifest_is_stale(project.manifest_path):
        subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(DBT_PROJECT_DIR / manifest_target(crm_source)),
                "--vars",
                json.dumps({"crm_source": crm_source}),
            ],
            check=True,
        )
    return project.manifest_path


PROJECT_SOURCES = ("dbt_project.yml", "models", "macros", "tests")


def _manifest_is_stale(manifest_path: Path) -> bool:
    if not manifest_path.exists():
        return True
    parsed_at = manifest_path.stat().st_mtime
    for name in PROJECT_SOURCES:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*")
        if any(f.stat().st_mtime > parsed_at for f in files if f.is_file()):
            return True
    return False


class LayeredDbtTranslator(DagsterDbtTranslator):
    """Group dbt models by layer (their schema: staging, intermediate, marts), and show the
    column lineage of the last run's code (orchestration.lineage) on each model's asset."""

    def __init__(self, lineage: Sequence[Edge] = ()) -> None:
        # a dlt resource may land several raw tables (HubSpot's owners land teams too): the
        # dbt sources of those tables name the resource's asset (meta.dagster.asset_key)
        super().__init__(DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True))
        self._lineage = column_lineage(lineage)

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        table = relation_name(
            props.get("database"), props["schema"], props.get("alias") or props["name"]
        )
        lineage = self._lineage.get(table)
        if props["resource_type"] != "model" or lineage is None:
            return spec
        return spec.merge_attributes(metadata={"dagster/column_lineage": lineage})

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["config"].get("schema") or "dbt"
        return super().get_group_name(dbt_resource_props)


def column_lineage(edges: Sequence[Edge]) -> dict[str, dg.TableColumnLineage]:
    """Dagster column lineage per table (``schema.name``) from lineage edges; a model's filter
    edges (the columns deciding its rows) count for each of its columns."""
    deps: dict[str, dict[str, list[dg.TableColumnDep]]] = {}
    filters: dict[str, list[dg.TableColumnDep]] = {}
    for edge in edges:
        dep = dg.TableColumnDep(
            asset_key=table_asset_key(edge.upstream_table), column_name=edge.upstream_column
        )
        if edge.column == ROWS:
            filters.setdefault(edge.table, []).append(dep)
        elif edge.upstream_column != ROWS:
            deps.setdefault(edge.table, {}).setdefault(edge.column, []).append(dep)
    return {
        table: dg.TableColumnLineage(
            deps_by_column={
                column: list(dict.fromkeys([*value_deps, *filters.get(table, [])]))
                for column, value_deps in columns.items()
            }
        )
        for table, columns in deps.items()
    }


def table_asset_key(table: str) -> dg.AssetKey:
    """The asset key of a warehouse table: ``raw_<source>.t`` is the dlt asset ``<source>/t``,
    a model ``schema.name`` is ``schema/name``."""
    schema, name = table.split(".", 1)
    if schema.startswith(RAW_SCHEMA_PREFIX):
        return dg.AssetKey([schema.removeprefix(RAW_SCHEMA_PREFIX), name])
    return dg.AssetKey([schema, name])


def cached_lineage(settings: Settings) -> list[Edge]:
    """The lineage the last publication computed, if any (the UI shows it once there is one)."""
    return load_cached_edges(settings.lineage_cache_path) or []


def mart_asset_keys(manifest_path: Path) -> list[dg.AssetKey]:
    """Keys of the mart models: the tables the publish step copies out."""
    translator = LayeredDbtTranslator()
    return sorted(
        (translator.get_asset_key(node) for node in mart_nodes(load_manifest(manifest_path))),
        key=lambda key: key.to_user_string(),
    )


def raw_row_count(warehouse: Path, raw_schema: str) -> int:
    """The rows of the raw tables in ``raw_schema`` (DuckDB's stored counts: no scan)."""
    if not warehouse.exists():
        return 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select coalesce(sum(estimated_size), 0) from duckdb_tables() where schema_name = ?",
            [raw_schema],
        ).fetchone()
    return int(row[0]) if row else 0


def build_dbt_assets(settings: Settings, project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=LayeredDbtTranslator(cached_lineage(settings)),
        partitions_def=as_of_partitions(settings),
        backfill_policy=BACKFILL_POLICY,
        pool=WAREHOUSE_POOL,
    )
    def salespulse_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource
    ) -> Iterator[Any]:
        """Build (run and test) the dbt models as of the partition date."""
        # ingestion and the checks ran in this process: give their freed memory back
        # before dbt's subprocess, the run's largest user of memory, starts
        before, after = release_unused_memory()
        context.log.info(f"released {(before - after) / 2**20:,.0f} MB before dbt")
        raw_rows = raw_row_count(settings.warehouse_path, settings.raw_dataset)
        threads = settings.dbt_threads_for(raw_rows)
        context.log.info(
            f"dbt threads: {threads} ({raw_rows:,} raw rows, DuckDB memory limit "
            f"{settings.duckdb_memory_limit})"
        )
        dbt_env = {
            **settings.dbt_as_of_env(context.partition_key),
            "SALESPULSE_DBT_THREADS": str(threads),
        }
        with scoped_environment(dbt_env):
            invocation = dbt.cli(
                # unit tests pin logic, not data: CI runs them (dbt's advice: not in
                # production); they cost 15-40 s of every refresh (docs/performance.md)
                [
                    "build",
                    "--exclude",
                    "resource_type:unit_test",
                    "--vars",
                    json.dumps(settings.dbt_vars()),
                ],
                context=context,
                target_path=settings.dbt_target_dir,
            )
        yield from invocation.stream()

    return salespulse_dbt_models
