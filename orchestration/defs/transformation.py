"""dbt assets: every model of ``dbt_project/`` built as of the run's partition date."""

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.defs import WAREHOUSE_POOL
from orchestration.manifest import load_manifest, mart_nodes
from orchestration.partitions import as_of_partitions
from orchestration.settings import DBT_PROJECT_DIR, DEFAULT_CRM_SOURCE, Settings

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")
"""dbt from this interpreter's environment, found without relying on PATH."""


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
    """Parse the dbt project for ``crm_source`` if its manifest is missing (setup and tests
    do this up front for the default source)."""
    if not project.manifest_path.exists():
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


class LayeredDbtTranslator(DagsterDbtTranslator):
    """Group dbt models by layer (their schema: staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["config"].get("schema") or "dbt"
        return super().get_group_name(dbt_resource_props)


def mart_asset_keys(manifest_path: Path) -> list[dg.AssetKey]:
    """Keys of the mart models: the tables the publish step copies out."""
    translator = LayeredDbtTranslator()
    return sorted(
        (translator.get_asset_key(node) for node in mart_nodes(load_manifest(manifest_path))),
        key=lambda key: key.to_user_string(),
    )


def build_dbt_assets(settings: Settings, project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=LayeredDbtTranslator(),
        partitions_def=as_of_partitions(settings),
        backfill_policy=dg.BackfillPolicy.multi_run(1),
        pool=WAREHOUSE_POOL,
    )
    def salespulse_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource
    ) -> Iterator[Any]:
        """Build (run and test) the dbt models as of the partition date."""
        dbt_vars = settings.dbt_vars(context.partition_key)
        yield from dbt.cli(
            ["build", "--vars", json.dumps(dbt_vars)],
            context=context,
            target_path=settings.dbt_target_dir,
        ).stream()

    return salespulse_dbt_models
