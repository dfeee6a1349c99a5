"""Asset checks.

* ``raw_quality`` and ``warehouse_quality``: the Great Expectations suites of
  ``orchestration.quality.suites``, one check per table (``gx_<layer>_suite``, severity
  ERROR, blocking) with each expectation's failing count and sample rows in its metadata,
  plus ``row_volume`` (severity WARN) on the tables whose volume is tracked. A failed
  blocking check fails its step, so nothing downstream runs: raw failures stop the dbt
  build, canonical and mart failures stop ``published_reports`` and the previous
  publication stays. Both run in the warehouse pool (they read the warehouse and record
  row counts in ``quality.row_counts``). Each run's suite results are rendered as a GX
  Data Docs site under ``published/data-docs/<as_of>-<run_id8>/`` (``latest`` points at
  the newest); each suite check's ``data_docs`` metadata is the path of its table's page
  (or says why the site was not built; a docs failure never fails a check).
* ``published_file_matches_warehouse``: proves what readers get: the published file opens
  read-only, carries the run's as-of date, and holds every mart with the warehouse's rows.
"""

import math
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING

import dagster as dg
import duckdb

from orchestration.defs import WAREHOUSE_POOL
from orchestration.defs.publishing import PUBLISHED_REPORTS
from orchestration.manifest import load_manifest
from orchestration.quality.data_docs import DataDocsSite
from orchestration.quality.freshness import FreshnessRule, freshness_rules, measure
from orchestration.quality.suites import WAREHOUSE_SUITES, TableSuite, raw_suites
from orchestration.settings import Settings
from orchestration.warehouse import connect as warehouse_connection

if TYPE_CHECKING:
    from orchestration.quality.runner import SuiteOutcome

ROW_VOLUME_CHECK = "row_volume"
FRESHNESS_CHECK = "source_freshness"


def build_asset_checks(
    settings: Settings, mart_keys: Sequence[dg.AssetKey]
) -> list[dg.AssetChecksDefinition]:
    tables = [(key.path[0], key.path[-1]) for key in mart_keys]

    @dg.asset_check(asset=PUBLISHED_REPORTS, blocking=True)
    def published_file_matches_warehouse(
        context: dg.AssetCheckExecutionContext,
    ) -> dg.AssetCheckResult:
        """Every published table has the warehouse mart's row count, as of the run's date."""
        problems: list[str] = []
        counts: dict[str, int] = {}
        with duckdb.connect(str(settings.published_path), read_only=True) as published:
            row = published.execute(
                "select run_id, cast(as_of_date as varchar) from publication"
            ).fetchone()
            if row is None or row[0] != context.run.run_id:
                problems.append(f"publication row is {row}, expected run {context.run.run_id}")
            for _, name in tables:
                counts[name] = published.execute(f'select count(*) from "{name}"').fetchone()[0]
        with warehouse_connection(settings.warehouse_path, read_only=True) as warehouse:
            for schema, name in tables:
                expected = warehouse.execute(
                    f'select count(*) from "{schema}"."{name}"'
                ).fetchone()[0]
                if counts[name] != expected:
                    problems.append(f"{name}: published {counts[name]} rows, warehouse {expected}")
        return dg.AssetCheckResult(
            passed=not problems,
            metadata={"row_counts": dg.MetadataValue.json(counts), "problems": "; ".join(problems)},
        )

    return [
        *(
            [build_suite_checks(settings, "raw_quality", raw)]
            if (raw := raw_suites(settings.crm_source))
            else []
        ),
        build_suite_checks(settings, "warehouse_quality", WAREHOUSE_SUITES),
        build_freshness_checks(settings, freshness_rules(_manifest(settings))),
        published_file_matches_warehouse,
    ]


def _manifest(settings: Settings) -> dict:
    from orchestration.defs.transformation import dbt_project

    return load_manifest(dbt_project(settings).manifest_path)


def build_freshness_checks(
    settings: Settings, rules: Sequence[FreshnessRule]
) -> dg.AssetChecksDefinition:
    """``source_freshness`` on every raw table whose dbt source declares freshness: WARN past
    warn_after, ERROR past error_after, measured at the end of the run's as-of date; never
    blocking."""
    specs = [
        dg.AssetCheckSpec(
            name=FRESHNESS_CHECK,
            asset=dg.AssetKey([rule.source, rule.table]),
            description=f"Newest {rule.loaded_at_field} within the dbt source's freshness "
            f"(warn after {rule.warn_after_days} days, error after {rule.error_after_days})",
        )
        for rule in rules
    ]

    @dg.multi_asset_check(
        name="source_freshness", specs=specs, can_subset=True, pool=WAREHOUSE_POOL
    )
    def _freshness(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        selected = context.selected_asset_check_keys
        chosen = [
            rule
            for rule in rules
            if dg.AssetCheckKey(dg.AssetKey([rule.source, rule.table]), FRESHNESS_CHECK) in selected
        ]
        as_of = date.fromisoformat(context.partition_key)
        for result in measure(settings.warehouse_path, chosen, as_of):
            yield dg.AssetCheckResult(
                asset_key=dg.AssetKey([result.rule.source, result.rule.table]),
                check_name=FRESHNESS_CHECK,
                passed=result.status == "pass",
                severity=(
                    dg.AssetCheckSeverity.ERROR
                    if result.status == "error"
                    else dg.AssetCheckSeverity.WARN
                ),
                description=result.description,
                metadata={
                    "latest": str(result.latest),
                    "age_days": _finite(result.age_days),
                    "warn_after_days": result.rule.warn_after_days,
                    "error_after_days": result.rule.error_after_days,
                },
            )

    return _freshness


def suite_check_specs(suites: Sequence[TableSuite]) -> list[dg.AssetCheckSpec]:
    """One blocking spec per suite, and a non-blocking volume spec where volume is tracked."""
    specs: list[dg.AssetCheckSpec] = []
    for suite in suites:
        specs.append(
            dg.AssetCheckSpec(
                name=suite.check_name,
                asset=suite.asset_key,
                blocking=True,
                description=f"Great Expectations suite of {suite.qualified_name} "
                f"({len(suite.expectations)} expectations; ERROR, blocks downstream)",
            )
        )
        if suite.track_volume:
            specs.append(
                dg.AssetCheckSpec(
                    name=ROW_VOLUME_CHECK,
                    asset=suite.asset_key,
                    description=f"Row count of {suite.qualified_name} against the previous run "
                    "(WARN)",
                )
            )
    return specs


def build_suite_checks(
    settings: Settings, name: str, suites: Sequence[TableSuite]
) -> dg.AssetChecksDefinition:
    """A multi-asset check running ``suites`` in one op (one GX context, one engine per
    schema), emitting only the checks selected for the run."""

    @dg.multi_asset_check(
        name=name,
        specs=suite_check_specs(suites),
        can_subset=True,
        pool=WAREHOUSE_POOL,
        compute_kind="great_expectations",
    )
    def _checks(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        from orchestration.quality.runner import run_suites
        from orchestration.quality.volume import record_and_compare

        selected = context.selected_asset_check_keys
        chosen = [s for s in suites if dg.AssetCheckKey(s.asset_key, s.check_name) in selected]
        docs = DataDocsSite.for_run(
            settings.published_dir,
            as_of=context.partition_key if context.has_partition_key else None,
            run_id=context.run.run_id,
        )
        outcomes = run_suites(
            settings.warehouse_path, chosen, docs=docs, duckdb_config=settings.duckdb_config
        )
        if any(o.data_docs_error for o in outcomes):
            context.log.warning(
                f"Data Docs not built in {docs.directory}: {outcomes[0].data_docs_error}"
            )
        for outcome in outcomes:
            yield suite_result(outcome)
        tracked = [
            s
            for s in suites
            if s.track_volume and dg.AssetCheckKey(s.asset_key, ROW_VOLUME_CHECK) in selected
        ]
        if tracked:
            volumes = record_and_compare(
                settings.warehouse_path,
                [s.qualified_name for s in tracked],
                run_id=context.run.run_id,
                partition_key=context.partition_key if context.has_partition_key else None,
            )
            for suite, volume in zip(tracked, volumes, strict=True):
                yield dg.AssetCheckResult(
                    asset_key=suite.asset_key,
                    check_name=ROW_VOLUME_CHECK,
                    passed=volume.passed,
                    severity=dg.AssetCheckSeverity.WARN,
                    description=volume.description,
                    metadata={
                        "row_count": volume.row_count,
                        "previous_count": volume.previous_count,
                        "previous_run_id": volume.previous_run_id or "",
                        "relative_change": _finite(volume.relative_change),
                        "max_relative_change": volume.max_relative_change,
                    },
                )

    return _checks


def suite_result(outcome: "SuiteOutcome") -> dg.AssetCheckResult:
    """The check result of one table suite: ERROR when any expectation failed, with each
    expectation's outcome and the failing ones' counts and sample rows as metadata."""
    failed = outcome.failed
    summary = "; ".join(
        f"{o.label}: {o.error or f'{o.unexpected_count} unexpected'}" for o in failed
    )
    return dg.AssetCheckResult(
        asset_key=outcome.suite.asset_key,
        check_name=outcome.suite.check_name,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=summary or f"{len(outcome.outcomes)} expectations passed",
        metadata={
            "table": outcome.suite.qualified_name,
            "expectations": len(outcome.outcomes),
            "failed_expectations": len(failed),
            "unexpected_rows": sum(o.unexpected_count or 0 for o in failed),
            "failures": dg.MetadataValue.json([o.as_metadata() for o in failed]),
            "results": dg.MetadataValue.json(
                {o.label: o.unexpected_count for o in outcome.outcomes}
            ),
            "seconds": round(outcome.seconds, 3),
            "data_docs": (
                dg.MetadataValue.path(str(outcome.data_docs))
                if outcome.data_docs
                else dg.MetadataValue.text(
                    f"not built: {outcome.data_docs_error}"
                    if outcome.data_docs_error
                    else "not built"
                )
            ),
        },
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
