"""The dlt source over the demo CRM: one resource per raw table, all ``replace``.

>>> import dlt
>>> from ingestion.demo_crm import DemoCrmConfig, demo_crm_source
>>> source = demo_crm_source(DemoCrmConfig(size=10_000))
>>> sorted(source.selected_resources)[:3]
['accounts', 'activities', 'contacts']

Per-block tables (deals, deal_stage_history, activities, email_events, leads, accounts,
contacts, subscriptions, csat_surveys) are transformers over one hidden, deselected
resource (``demo_crm_chunks``) that generates chunks of ~``chunk_deals`` deals; dlt
evaluates it once and hands every chunk to each table's transformer. The hidden resource
holds the next chunk back until the transformers are done with the previous one, so at
most about one chunk is in memory (dlt's round-robin extraction would otherwise keep up to
20 chunks in flight).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator

import dlt
import pyarrow as pa
from dlt.common.libs.pyarrow import py_arrow_to_table_schema_columns
from dlt.extract.resource import DltResource

from ingestion.demo_crm.config import DemoCrmConfig
from ingestion.demo_crm.extract import BLOCK_TABLES
from ingestion.demo_crm.generate import (
    DEFAULT_CHUNK_DEALS,
    ORG_TABLES,
    generate_org_tables,
    iter_chunks,
)
from ingestion.demo_crm.schema import PRIMARY_KEYS, SCHEMAS

CHUNKS_RESOURCE = "demo_crm_chunks"
MAX_HOLD_BACK_S = 60.0


class _Chunk(dict):
    """One chunk of per-block tables (a dict that can be weakly referenced)."""


def paced_chunks(
    chunks: Iterator[dict[str, pa.Table]], max_hold_back_s: float = MAX_HOLD_BACK_S
) -> Iterator[_Chunk | None]:
    """Yield ``chunks`` one at a time, yielding ``None`` (dlt's "nothing yet, ask again")
    while the previous chunk is still referenced, i.e. not yet handled by every selected
    transformer. Never waits longer than ``max_hold_back_s`` (a safety valve)."""
    previous: weakref.ref[_Chunk] | None = None
    chunks = iter(chunks)
    while True:
        since = time.monotonic()
        while previous is not None and previous() is not None:
            if time.monotonic() - since > max_hold_back_s:
                break
            yield None
        tables = next(chunks, None)
        if tables is None:
            return
        chunk = _Chunk(tables)
        del tables
        previous = weakref.ref(chunk)
        yield chunk
        del chunk


def _hints(name: str) -> dict:
    return {
        "name": name,
        "write_disposition": "replace",
        "primary_key": list(PRIMARY_KEYS[name]),
        "columns": py_arrow_to_table_schema_columns(SCHEMAS[name]),
    }


def _org_resource(name: str, config: DemoCrmConfig) -> DltResource:
    def rows() -> Iterator[pa.Table]:
        yield generate_org_tables(config)[name]

    return dlt.resource(rows, **_hints(name))


def _block_transformer(name: str, chunks: DltResource) -> DltResource:
    @dlt.transformer(data_from=chunks, **_hints(name))
    def pick(chunk: dict[str, pa.Table]) -> Iterator[pa.Table]:
        yield chunk[name]

    return pick


@dlt.source(name="demo_crm")
def demo_crm_source(
    config: DemoCrmConfig | None = None, chunk_deals: int = DEFAULT_CHUNK_DEALS
) -> list[DltResource]:
    """All 17 raw tables of the demo CRM for ``config`` (default: 10,000 deals)."""
    config = config or DemoCrmConfig()

    def chunk_stream() -> Iterator[_Chunk | None]:
        yield from paced_chunks(iter_chunks(config, chunk_deals))

    chunks = dlt.resource(chunk_stream, name=CHUNKS_RESOURCE, selected=False)
    resources = [_org_resource(name, config) for name in ORG_TABLES]
    resources += [_block_transformer(name, chunks) for name in BLOCK_TABLES]
    resources.append(chunks)
    order = {name: i for i, name in enumerate(SCHEMAS)}
    return sorted(resources, key=lambda r: order.get(r.name, len(order)))
