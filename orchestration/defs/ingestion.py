"""dlt assets: the configured CRM source (``Settings.crm_source``) landed in ``raw_<source>``.

Each dlt resource becomes the asset ``<source>/<table>``, the same key dagster-dbt gives the
dbt source table it feeds, so the graph runs from CRM to report without a seam. Which CRM
is configuration (``SALESPULSE_CRM_SOURCE``): the demo CRM and file exports are shaped by
Dagster resources (``demo_crm``, ``file_export``); the API connectors read their URL and
token from dlt's config (``.dlt/secrets.toml`` or ``SOURCES__<SOURCE>__...``), resolved
only when a run starts, so the definitions load without secrets.
"""

from collections.abc import Callable, Iterator
from datetime import date

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.extract.source import DltSource

from ingestion.demo_crm import DemoCrmConfig, demo_crm_source
from orchestration.defs import BACKFILL_POLICY, WAREHOUSE_POOL
from orchestration.partitions import as_of_partitions
from orchestration.settings import Settings

UNRESOLVED = "resolved-from-dlt-config-at-run-time"
"""Stands in for an API's URL and token when only the shape of its source is needed."""


class DemoCrm(dg.ConfigurableResource):
    """Shape of the built-in demo CRM (see docs/demo-crm.md)."""

    size: int = 10_000
    seed: int = 42
    mess_rate: float = 0.02
    # load only what changed since the last extract (merge); False reloads everything
    incremental: bool = True

    def source_config(self, as_of: date) -> DemoCrmConfig:
        return DemoCrmConfig(size=self.size, seed=self.seed, mess_rate=self.mess_rate, as_of=as_of)


class FileExport(dg.ConfigurableResource):
    """The mapping (YAML) of a file import (see docs/connectors/files.md)."""

    mapping: str = ""


class SourceTableTranslator(DagsterDltTranslator):
    """Key each dlt resource as ``<source>/<table>``: the key of the dbt source it feeds."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(
            key=dg.AssetKey([data.resource.source_name, data.resource.name]),
            deps=[],
            group_name="ingestion",
        )


def crm_pipeline(settings: Settings) -> dlt.Pipeline:
    """The dlt pipeline of the configured source; its state (incremental cursors) lives in
    ``data/dlt`` and in the warehouse, so an interrupted run resumes where it left off."""
    return dlt.pipeline(
        pipeline_name=settings.crm_source,
        destination=dlt.destinations.duckdb(str(settings.warehouse_path)),
        dataset_name=settings.raw_dataset,
        pipelines_dir=str(settings.dlt_pipelines_dir),
        progress="log",
    )


def _assets(
    settings: Settings, shape: DltSource
) -> Callable[[Callable[..., Iterator[dg.MaterializeResult]]], dg.AssetsDefinition]:
    return dlt_assets(
        dlt_source=shape,
        dlt_pipeline=crm_pipeline(settings),
        name=f"{settings.crm_source}_tables",
        dagster_dlt_translator=SourceTableTranslator(),
        partitions_def=as_of_partitions(settings),
        backfill_policy=BACKFILL_POLICY,
        pool=WAREHOUSE_POOL,
    )


def _demo_crm_assets(settings: Settings) -> dg.AssetsDefinition:
    @_assets(settings, demo_crm_source(DemoCrmConfig()))
    def demo_crm_tables(
        context: dg.AssetExecutionContext, dlt: DagsterDltResource, demo_crm: DemoCrm
    ) -> Iterator[dg.MaterializeResult]:
        """Extract the demo CRM as it stood on the as-of date and land it with dlt: in full
        the first time, then what changed since the previous extract (merged)."""
        as_of = date.fromisoformat(context.partition_key)
        # a fresh handle on the pipeline makes it the active one, so the source reads its
        # state (the previous extract) from it
        pipeline = crm_pipeline(settings)
        source = demo_crm_source(demo_crm.source_config(as_of), incremental=demo_crm.incremental)
        yield from dlt.run(context=context, dlt_source=source, dlt_pipeline=pipeline)

    return demo_crm_tables


def _files_assets(settings: Settings) -> dg.AssetsDefinition:
    from ingestion.files.source import files_source, files_source_shape

    @_assets(settings, files_source_shape())
    def files_tables(
        context: dg.AssetExecutionContext, dlt: DagsterDltResource, file_export: FileExport
    ) -> Iterator[dg.MaterializeResult]:
        """Validate the export against its mapping (all or nothing), then land it."""
        if not file_export.mapping:
            raise dg.Failure("file_export.mapping is not set: the YAML mapping of the export")
        yield from dlt.run(context=context, dlt_source=files_source(file_export.mapping))

    return files_tables


def _api_assets(settings: Settings, make_source: Callable[..., DltSource]) -> dg.AssetsDefinition:
    @_assets(settings, make_source(base_url=UNRESOLVED, api_token=UNRESOLVED))
    def api_tables(
        context: dg.AssetExecutionContext, dlt: DagsterDltResource
    ) -> Iterator[dg.MaterializeResult]:
        """Fetch what changed since the last run (dlt incremental state) and merge it."""
        yield from dlt.run(context=context, dlt_source=make_source())

    return api_tables


def build_ingestion_assets(settings: Settings) -> dg.AssetsDefinition:
    """The dlt assets of the configured CRM source."""
    source = settings.crm_source
    if source == "demo_crm":
        return _demo_crm_assets(settings)
    if source == "files":
        return _files_assets(settings)
    if source == "salesforce":
        from ingestion.salesforce.source import salesforce_source

        return _api_assets(settings, salesforce_source)
    if source == "hubspot":
        from ingestion.hubspot.source import hubspot_source

        return _api_assets(settings, hubspot_source)
    if source == "pipedrive":
        from ingestion.pipedrive.source import pipedrive_source

        return _api_assets(settings, pipedrive_source)
    raise ValueError(f"no ingestion for CRM source {source!r}")


def ingestion_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The Dagster resources the configured source's assets need."""
    if settings.crm_source == "demo_crm":
        return {"demo_crm": DemoCrm()}
    if settings.crm_source == "files":
        return {"file_export": FileExport(mapping=settings.files_mapping or "")}
    return {}
