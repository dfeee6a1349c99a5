"""Public generation API: the demo CRM's 17 raw tables as pyarrow Tables.

>>> from ingestion.demo_crm import DemoCrmConfig, generate_tables
>>> tables = generate_tables(DemoCrmConfig(size=500))
>>> tables["deals"].num_rows >= 500
True
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pyarrow as pa

from ingestion.demo_crm.block import BLOCK_DEALS
from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.extract import BLOCK_TABLES, block_tables
from ingestion.demo_crm.extract_org import org_tables
from ingestion.demo_crm.schema import SCHEMAS
from ingestion.demo_crm.world import build_world

DEFAULT_CHUNK_DEALS = 200_000
ORG_TABLES: tuple[str, ...] = tuple(t for t in SCHEMAS if t not in BLOCK_TABLES)


def iter_chunks(
    config: DemoCrmConfig,
    chunk_deals: int = DEFAULT_CHUNK_DEALS,
    timings: dict[str, float] | None = None,
    since: datetime | None = None,
) -> Iterator[dict[str, pa.Table]]:
    """The per-block tables (deals, history, activities, ...) in chunks of ~chunk_deals deals.

    Chunks are whole blocks of ``BLOCK_DEALS`` deals, so the rows do not depend on
    ``chunk_deals``: concatenating the chunks gives the same tables for any chunk size.
    With ``since``, only the rows new or changed since then (``extract.block_tables``).
    ``timings``, if given, accumulates seconds per table (block generation is shared out
    by rows) and under ``"world"`` the one-off world build.
    """
    start = time.perf_counter()
    world = build_world(config)
    if timings is not None:
        timings["world"] = timings.get("world", 0.0) + time.perf_counter() - start
    per_chunk = max(1, chunk_deals // BLOCK_DEALS)
    n_blocks = len(world.layout)
    for first in range(0, n_blocks, per_chunk):
        parts = []
        for b in range(first, min(n_blocks, first + per_chunk)):
            start = time.perf_counter()
            blk = world.block(b)
            built = time.perf_counter() - start
            tables = block_tables(world, blk, config, timings, since)
            if timings is not None:
                total = sum(t.num_rows for t in tables.values()) or 1
                for name, table in tables.items():
                    timings[name] += built * table.num_rows / total
            parts.append(tables)
        yield {name: pa.concat_tables([p[name] for p in parts]) for name in BLOCK_TABLES}


def generate_org_tables(
    config: DemoCrmConfig, timings: dict[str, float] | None = None
) -> dict[str, pa.Table]:
    """teams, users, team_memberships, quotas, pipelines, pipeline_stages, spend, FX."""
    return org_tables(build_world(config), config, timings)


def generate_tables(
    config: DemoCrmConfig | None = None, chunk_deals: int = DEFAULT_CHUNK_DEALS
) -> dict[str, pa.Table]:
    """All 17 tables in memory (for small and medium sizes), in ``SCHEMAS`` order."""
    config = config or DemoCrmConfig()
    out = generate_org_tables(config)
    chunks = list(iter_chunks(config, chunk_deals))
    for name in BLOCK_TABLES:
        out[name] = (
            pa.concat_tables([c[name] for c in chunks]) if chunks else SCHEMAS[name].empty_table()
        )
    return {name: out[name] for name in SCHEMAS}
