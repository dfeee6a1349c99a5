"""Asset checks. The publication check proves what readers get: the published file opens
read-only, carries the run's as-of date, and holds every mart with the warehouse's rows.
(Great Expectations suites plug in here as further checks.)"""

from collections.abc import Sequence

import dagster as dg
import duckdb

from orchestration.defs.publishing import PUBLISHED_REPORTS
from orchestration.settings import Settings


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
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
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

    return [published_file_matches_warehouse]
