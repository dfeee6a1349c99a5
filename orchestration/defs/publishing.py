"""The publish asset: the marts, copied into the file BI tools read (see orchestration.publish)."""

from collections.abc import Sequence
from datetime import date

import dagster as dg
import duckdb

from orchestration.defs import WAREHOUSE_POOL
from orchestration.partitions import as_of_partitions
from orchestration.provenance import code_version
from orchestration.publish import Publication, publish
from orchestration.settings import Settings

CADENCE_TAG = "salespulse/cadence"
PUBLISHED_REPORTS = dg.AssetKey("published_reports")


def build_publish_asset(
    settings: Settings, mart_keys: Sequence[dg.AssetKey]
) -> dg.AssetsDefinition:
    tables = [(key.path[0], key.path[-1]) for key in mart_keys]

    @dg.asset(
        key=PUBLISHED_REPORTS,
        deps=list(mart_keys),
        partitions_def=as_of_partitions(settings),
        backfill_policy=dg.BackfillPolicy.multi_run(1),
        pool=WAREHOUSE_POOL,
        group_name="publishing",
        kinds={"duckdb"},
    )
    def published_reports(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        """The report tables as of the run's date, swapped into the published DuckDB file."""
        publication = Publication(
            run_id=context.run.run_id,
            as_of_date=date.fromisoformat(context.partition_key),
            cadence=context.run.tags.get(CADENCE_TAG, "adhoc"),
            code_version=code_version(),
        )
        with duckdb.connect(str(settings.warehouse_path)) as warehouse:
            result = publish(warehouse, settings.published_path, tables, publication)
            quarantined = _quarantine_by_rule(warehouse, tables)
        context.log.info(f"published {len(result.row_counts)} tables to {result.path}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "as_of_date": publication.as_of_date.isoformat(),
                "cadence": publication.cadence,
                "code_version": publication.code_version,
                "row_counts": dg.MetadataValue.json(result.row_counts),
                "quarantine_by_rule": dg.MetadataValue.json(quarantined),
            }
        )

    return published_reports


def _quarantine_by_rule(
    warehouse: duckdb.DuckDBPyConnection, tables: Sequence[tuple[str, str]]
) -> dict[str, int]:
    """Rows the published quarantine mart holds, per raw table and rule."""
    schema = next((schema for schema, name in tables if name == "quarantine"), None)
    if schema is None:
        return {}
    rows = warehouse.execute(
        f'select raw_table, rule, count(*) from "{schema}".quarantine group by 1, 2 order by 1, 2'
    ).fetchall()
    return {f"{table}.{rule}": n for table, rule, n in rows}
