"""The built-in demo CRM: a deterministic, seeded CRM world as Arrow tables and a dlt source.

>>> from ingestion.demo_crm import DemoCrmConfig, generate_tables, demo_crm_source
>>> tables = generate_tables(DemoCrmConfig(size=500, seed=7))
>>> sorted(tables) == sorted(SCHEMAS)
True
"""

from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.generate import (
    DEFAULT_CHUNK_DEALS,
    generate_org_tables,
    generate_tables,
    iter_chunks,
)
from ingestion.demo_crm.schema import PRIMARY_KEYS, SCHEMAS


def __getattr__(name: str):
    # The dlt source is imported lazily: importing dlt takes about a second.
    if name == "demo_crm_source":
        from ingestion.demo_crm.source import demo_crm_source

        return demo_crm_source
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_CHUNK_DEALS",
    "PRIMARY_KEYS",
    "SCHEMAS",
    "DemoCrmConfig",
    "demo_crm_source",
    "generate_org_tables",
    "generate_tables",
    "iter_chunks",
]
