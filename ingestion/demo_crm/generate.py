"""Public generation API: the demo CRM's 17 raw tables as pyarrow Tables.

>>> from ingestion.demo_crm import DemoCrmConfig, generate_tables
>>> tables = generate_tables(DemoCrmConfig(size=500))
>>> tables["deals"].num_rows >= 500
True
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

import pyarrow as pa

from ingestion.demo_crm.block import BLOCK_DEALS
from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.extract import BLOCK_TABLES, block_tables
from ingestion.demo_crm.extract_org import org_tables
from ingestion.demo_crm.schema import SCHEMAS
from ingestion.demo_crm.world import build_world

DEFAULT_CHUNK_DEALS = 200_000
MAX_WORKERS = 8
ORG_TABLES: tuple[str, ...] = tuple(t for t in SCHEMAS if t not in BLOCK_TABLES)


def default_workers() -> int:
    """Threads building blocks at once: one per core, at most ``MAX_WORKERS``."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def iter_chunks(
    config: DemoCrmConfig,
    chunk_deals: int = DEFAULT_CHUNK_DEALS,
    timings: dict[str, float] | None = None,
    since: datetime | None = None,
    workers: int | None = None,
) -> Iterator[dict[str, pa.Table]]:
    """The per-block tables (deals, history, activities, ...) in chunks of ~chunk_deals deals.

    Chunks are whole blocks of ``BLOCK_DEALS`` deals, so the rows do not depend on
    ``chunk_deals``: concatenating the chunks gives the same tables for any chunk size.
    With ``since``, only the rows new or changed since then (``extract.block_tables``).

    Blocks are built by ``workers`` threads (default: ``default_workers()``). Each block
    draws from its own random streams, so the rows do not depend on the number of workers
    either; blocks are yielded in order, and at most one chunk plus one block per worker
    is built ahead of the consumer. NumPy's and Arrow's kernels release the GIL, so two
    threads build the blocks of a 1M-deal world in about half the wall time.

    ``timings``, if given, accumulates seconds per table (block generation is shared out
    by rows; with several workers these are seconds of work, which add up to more than
    the wall time) and under ``"world"`` the one-off world build.
    """
    start = time.perf_counter()
    world = build_world(config)
    if timings is not None:
        timings["world"] = timings.get("world", 0.0) + time.perf_counter() - start
    per_chunk = max(1, chunk_deals // BLOCK_DEALS)
    n_blocks = len(world.layout)
    workers = workers or default_workers()

    def build(b: int) -> tuple[dict[str, pa.Table], dict[str, float]]:
        """Block ``b``'s tables and the seconds spent on each (merged by the caller)."""
        start = time.perf_counter()
        blk = world.block(b)
        built = time.perf_counter() - start
        spent: dict[str, float] = {}
        tables = block_tables(world, blk, config, spent, since)
        total = sum(t.num_rows for t in tables.values()) or 1
        for name, table in tables.items():
            spent[name] += built * table.num_rows / total
        return tables, spent

    pending: deque[Future] = deque()
    with ThreadPoolExecutor(workers, thread_name_prefix="demo-crm-block") as pool:
        try:
            next_block = 0
            parts: list[dict[str, pa.Table]] = []
            while next_block < n_blocks or pending:
                while next_block < n_blocks and len(pending) + len(parts) < per_chunk + workers:
                    pending.append(pool.submit(build, next_block))
                    next_block += 1
                tables, spent = pending.popleft().result()
                if timings is not None:
                    for name, secs in spent.items():
                        timings[name] = timings.get(name, 0.0) + secs
                parts.append(tables)
                if len(parts) == per_chunk or (next_block == n_blocks and not pending):
                    yield _concat(parts)
                    parts = []
        finally:
            # a consumer that stops early (an error downstream) does not wait for the
            # blocks built ahead: those not started are dropped
            for future in pending:
                future.cancel()


def _concat(parts: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """One chunk: the blocks' tables, table by table, in block order."""
    return {name: pa.concat_tables([part[name] for part in parts]) for name in BLOCK_TABLES}


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
