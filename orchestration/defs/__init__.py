"""Dagster definitions, one module per integration: ingestion (dlt), transformation (dbt),
publishing, quality (asset checks), and the jobs and schedules that tie them together."""

import warnings

import dagster as dg

WAREHOUSE_POOL = "duckdb_warehouse"
"""The concurrency pool of every asset that writes the warehouse: DuckDB takes one writer."""

BACKFILL_POLICY = dg.BackfillPolicy.multi_run(1)
"""The backfill policy of every partitioned asset: one run per as-of date, since a run
computes the warehouse as of one date."""

# Dagster marks the `backfill_policy` parameter beta and warns at every definitions load,
# which is every `salespulse run`; the choice above is deliberate, so only that warning goes.
warnings.filterwarnings(
    "ignore", message=r"Parameter `backfill_policy` .* in beta", category=dg.BetaWarning
)
