"""SalesPulse benchmark: the real refresh, stage by stage, against a plain-DuckDB floor.

    python -m bench --size S|M|L [--json PATH] [--keep]      (or: salespulse bench ...)

One run times, in one process tree, on a snapshot of the code parsed afresh (so edits to
the checkout cannot change a long run half-way): the demo CRM generation alone; the
refresh exactly as ``salespulse run`` executes it (a subprocess in a temporary
SALESPULSE_HOME), its stages taken from the Dagster run's event log (ingest, checks, dbt
build, publish) and its fixed cost (process start, imports, definitions, Dagster run
start: wall minus the stages); the Evidence reports check; the import, definitions and
``dbt parse`` costs on their own; and the floor: ``bench/floor.sql`` computing the core
marts with plain DuckDB from the same input written as Parquet. Figures are ratios to
that floor, measured in the same run, because the 2-core machines are shared and noisy.
See docs/performance.md.
"""

from datetime import date

SIZES: dict[str, int] = {"S": 10_000, "M": 1_000_000, "L": 10_000_000}
"""Deals created over the demo CRM's horizon, per benchmark size."""
SMALL_SIZE = SIZES["S"]
"""The baseline refresh's size: its stages are almost all fixed cost."""
DEFAULT_AS_OF = date(2026, 11, 15)
"""A fixed Sunday inside the demo horizon, so runs on different days compare."""
