"""SalesPulse orchestration: one Dagster `Definitions` (see `definitions.py`) and the CLI."""
