"""The publish asset: the marts, copied into the file BI tools read (see orchestration.publish)."""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import audit
from orchestration.defs import BACKFILL_POLICY, WAREHOUSE_POOL
from orchestration.lineage import LINEAGE_TABLE, published_lineage, write_edges
from orchestration.manifest import load_manifest
from orchestration.partitions import as_of_partitions
from orchestration.provenance import code_version
from orchestration.publish import LOG_SCHEMA, Publication, publish
from orchestration.report_lineage import cached_report_lineage
from orchestration.settings import Settings
from orchestration.warehouse import connect as warehouse_connection

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
        backfill_policy=BACKFILL_POLICY,
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
        archive = settings.archive_path(
            publication.cadence, context.partition_key, publication.run_id
        )
        config = settings.duckdb_config  # the run's memory limit
        with warehouse_connection(settings.warehouse_path, config=config) as warehouse:
            run_manifest = settings.dbt_target_dir / "manifest.json"
            if run_manifest.exists():
                edges = published_lineage(
                    load_manifest(run_manifest),
                    warehouse,
                    [f"{schema}.{name}" for schema, name in tables],
                    settings.lineage_cache_path,
                )
            else:  # only in graphs without the dbt assets (tests): nothing compiled to trace
                context.log.warning(f"no dbt run manifest at {run_manifest}: no table lineage")
                edges = []
            edges += cached_report_lineage(
                warehouse, settings.lineage_cache_path.with_name("report_lineage.json")
            )
            write_edges(warehouse, LOG_SCHEMA, edges)
            context.log.info(f"column lineage: {len(edges)} edges down to the raw CRM fields")
            audit.record(
                warehouse,
                LOG_SCHEMA,
                _audit(context, settings, warehouse, tables, publication, archive),
            )
            result = publish(
                warehouse,
                settings.published_path,
                [*tables, (LOG_SCHEMA, LINEAGE_TABLE), (LOG_SCHEMA, audit.AUDIT_TABLE)],
                publication,
                archive_path=archive,
            )
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


def _audit(
    context: dg.AssetExecutionContext,
    settings: Settings,
    warehouse: duckdb.DuckDBPyConnection,
    tables: Sequence[tuple[str, str]],
    publication: Publication,
    archive: Path,
) -> audit.RefreshAudit:
    """The audit row of this refresh (see orchestration.audit)."""
    published = {
        name: warehouse.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        for schema, name in tables
    }
    quarantine = next((f"{s}.{n}" for s, n in tables if n == "quarantine"), None)
    return audit.RefreshAudit(
        run_id=publication.run_id,
        job_name=context.run.job_name,
        schedule_name=context.run.tags.get("dagster/schedule_name"),
        cadence=publication.cadence,
        as_of_date=publication.as_of_date,
        crm_source=settings.crm_source,
        code_version=publication.code_version,
        published_at=publication.published_at,
        published_file=str(archive),
        tool_versions=audit.tool_versions(),
        load_ids=audit.raw_load_ids(warehouse, settings.raw_dataset),
        rows=audit.row_flow(warehouse, settings.raw_dataset, published, quarantine),
        checks=_check_results(context),
    )


def _check_results(context: dg.AssetExecutionContext) -> list[audit.CheckResult]:
    """Every asset check evaluated so far in this run (the blocking ones ran before publish)."""
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=10_000
    ).records
    results = []
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is None:
            continue
        evaluation = event.event_specific_data
        results.append(
            audit.CheckResult(
                asset=evaluation.asset_key.to_user_string(),
                check=evaluation.check_name,
                passed=bool(evaluation.passed),
                severity=evaluation.severity.value,
            )
        )
    return sorted(results, key=lambda r: (r.asset, r.check))


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
