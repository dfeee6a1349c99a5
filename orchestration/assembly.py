"""How the one Dagster ``Definitions`` of SalesPulse is put together.

Graph: the CRM source's tables (dlt) -> dbt staging -> intermediate -> marts -> published_reports,
every asset partitioned by as-of date and every warehouse writer in one pool of size 1.
"""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltResource

from orchestration.defs.ingestion import build_ingestion_assets, ingestion_resources
from orchestration.defs.publishing import build_publish_asset
from orchestration.defs.quality import build_asset_checks
from orchestration.defs.schedules import build_jobs, build_schedules
from orchestration.defs.transformation import (
    DBT_EXECUTABLE,
    SubprocessDbtCliResource,
    build_dbt_assets,
    dbt_project,
    ensure_manifest,
    mart_asset_keys,
)
from orchestration.environment import bootstrap_environment
from orchestration.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    bootstrap_environment(settings)
    project = dbt_project(settings)
    ensure_manifest(project, settings.crm_source)
    marts = mart_asset_keys(project.manifest_path)
    return dg.Definitions(
        assets=[
            build_ingestion_assets(settings),
            build_dbt_assets(settings, project),
            build_publish_asset(settings, marts),
        ],
        asset_checks=build_asset_checks(settings, marts),
        jobs=build_jobs(settings),
        schedules=build_schedules(settings),
        resources={
            "dlt": DagsterDltResource(),
            "dbt": SubprocessDbtCliResource(
                project_dir=project, dbt_executable=str(DBT_EXECUTABLE)
            ),
            **ingestion_resources(settings),
        },
    )
