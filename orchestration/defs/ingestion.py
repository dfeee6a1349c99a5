"""dlt assets: the demo CRM landed in the warehouse's ``raw_demo_crm`` schema.

Each dlt resource becomes the asset ``demo_crm/<table>``, the same key dagster-dbt gives the
dbt source table it feeds, so the graph runs from CRM to report without a seam.
"""

from collections.abc import Iterator
from datetime import date

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from ingestion.demo_crm import DemoCrmConfig, demo_crm_source
from orchestration.defs import WAREHOUSE_POOL
from orchestration.partitions import as_of_partitions
from orchestration.settings import Settings

DEMO_CRM_DATASET = "raw_demo_crm"


class DemoCrm(dg.ConfigurableResource):
    """Shape of the built-in demo CRM (see docs/demo-crm.md)."""

    size: int = 10_000
    seed: int = 42
    mess_rate: float = 0.02

    def source_config(self, as_of: date) -> DemoCrmConfig:
        return DemoCrmConfig(size=self.size, seed=self.seed, mess_rate=self.mess_rate, as_of=as_of)


class SourceTableTranslator(DagsterDltTranslator):
    """Key each dlt resource as ``<source>/<table>``: the key of the dbt source it feeds."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(
            key=dg.AssetKey([data.resource.source_name, data.resource.name]),
            deps=[],
            group_name="ingestion",
        )


def demo_crm_pipeline(settings: Settings) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name="demo_crm",
        destination=dlt.destinations.duckdb(str(settings.warehouse_path)),
        dataset_name=DEMO_CRM_DATASET,
        pipelines_dir=str(settings.dlt_pipelines_dir),
        progress="log",
    )


def build_demo_crm_assets(settings: Settings) -> dg.AssetsDefinition:
    @dlt_assets(
        dlt_source=demo_crm_source(DemoCrmConfig()),
        dlt_pipeline=demo_crm_pipeline(settings),
        name="demo_crm",
        dagster_dlt_translator=SourceTableTranslator(),
        partitions_def=as_of_partitions(settings),
        backfill_policy=dg.BackfillPolicy.multi_run(1),
        pool=WAREHOUSE_POOL,
    )
    def demo_crm_tables(
        context: dg.AssetExecutionContext, dlt: DagsterDltResource, demo_crm: DemoCrm
    ) -> Iterator[dg.MaterializeResult]:
        """Extract the demo CRM as it stood on the as-of date and land it with dlt."""
        as_of = date.fromisoformat(context.partition_key)
        source = demo_crm_source(demo_crm.source_config(as_of))
        yield from dlt.run(context=context, dlt_source=source)

    return demo_crm_tables
