"""Data-quality gate: Great Expectations suites declared per layer (``suites``), run on the
DuckDB warehouse through GX's SQL route (``gx_duckdb``, ``runner``), row volumes compared
with the previous run (``volume``); ``orchestration.defs.quality`` turns them into Dagster
asset checks. See docs/data-quality.md."""
