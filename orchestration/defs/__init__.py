"""Dagster definitions, one module per integration: ingestion (dlt), transformation (dbt),
publishing, quality (asset checks), and the jobs and schedules that tie them together."""

WAREHOUSE_POOL = "duckdb_warehouse"
"""The concurrency pool of every asset that writes the warehouse: DuckDB takes one writer."""
