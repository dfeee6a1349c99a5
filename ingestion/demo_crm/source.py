"""The dlt source over the demo CRM: one resource per raw table, loaded in full the first
time (``replace``) and incrementally afterwards (``merge`` of what changed since the last run).

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

Incremental loads. The source keeps the as-of date and the world (size, seed, mess rate,
horizon) of its last extract in dlt's source state (``extract``; committed with the load,
so a failed load leaves it unchanged). The next run as of a later (or the same) date of
the same world loads only the rows changed since ``since`` = the previous extract's cutoff
minus ``lag`` (default 10 days, the CRM's longest recording lag: late-arriving history rows
missing from the previous extract are reloaded), and merges them on the table keys
(``delete-insert``: the destination rows with a loaded key are replaced), so the raw
tables equal a full extract as of the new date. What counts as changed, per table, is
``CHANGE_COLUMNS``: a row whose change times (creation, last update, an end date that
became visible, ...) reach ``since``; a deal is reloaded with all its versions. Soft
deletes are updates (``is_deleted`` with ``updated_at`` = deletion time) and are merged
like any change; nothing is hard-deleted in the demo CRM. The org tables (teams, users,
quotas, FX, ...: < 1% of the rows) are reloaded in full and merged. A first run, another
world, an as-of date earlier than the last extract (a backfill: the demo CRM can extract
its past, so raw is replaced by that extract) or ``incremental=False`` loads everything with
``replace``.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
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
STATE_KEY = "extract"
LATE_ARRIVAL_LAG = timedelta(days=10)
"""How far back from the previous cutoff an incremental load reaches: the CRM's longest
recording lag (late-arriving stage-history rows: 1-10 days, docs/demo-crm.md)."""

CHANGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("created_at", "updated_at"),
    "contacts": ("created_at", "updated_at"),
    # converted / disqualified leads get updated_at = the conversion or disqualification
    "leads": ("created_at", "updated_at", "converted_at"),
    # updated_at = the last stage entry or the deletion; a deal goes with all its versions
    "deals": ("updated_at",),
    "deal_stage_history": ("entered_at",),
    "activities": ("occurred_at",),
    "email_events": ("occurred_at",),
    # an end date shows once it has passed
    "subscriptions": ("start_date", "end_date"),
    "csat_surveys": ("responded_at",),
    # a day's rates never change once published
    "fx_rates": ("rate_date",),
}
"""Per table, the columns whose value at or after ``since`` marks a row new or changed since
the previous extract (the prefix property of docs/demo-crm.md: any other row is
unchanged). Tables not listed (teams, users, memberships, quotas, pipelines, stages,
spend: small, and without a reliable change time) are reloaded in full. ``changed_rows``
applies it to the org tables; the generator selects the same rows of the per-block tables
itself, before building their strings (``extract.block_tables``; tests/test_demo_crm.py
holds the two equal), so a weekly run does not format the ~98% of rows it would drop."""

MERGE_KEYS: dict[str, tuple[str, ...]] = {"deals": PRIMARY_KEYS["deals"]}
"""Tables merged on a merge key instead of a primary key: the deals extract carries stale
duplicate versions of a deal (mess) that dbt resolves; a dlt primary key would make the
merge keep only one of them, so raw would no longer equal the CRM's extract."""


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


def _world(config: DemoCrmConfig) -> dict[str, Any]:
    return {
        "size": config.size,
        "seed": config.seed,
        "mess_rate": config.mess_rate,
        "start_date": config.start_date.isoformat(),
        "years": config.years,
    }


def extract_record(config: DemoCrmConfig) -> dict[str, Any]:
    """What the source state remembers of an extract."""
    return {"as_of": config.extract_date.isoformat(), "world": _world(config)}


def incremental_since(
    config: DemoCrmConfig, previous: dict[str, Any] | None, lag: timedelta = LATE_ARRIVAL_LAG
) -> datetime | None:
    """The instant from which rows are reloaded, or None for a full load: no previous
    extract, another world, or an as-of date before the previous one (a backfill).

    >>> cfg = DemoCrmConfig(size=500, as_of=date(2026, 11, 22))
    >>> incremental_since(cfg, {"as_of": "2026-11-15", "world": _world(cfg)})
    datetime.datetime(2026, 11, 6, 0, 0, tzinfo=datetime.timezone.utc)
    >>> incremental_since(cfg, {"as_of": "2026-11-29", "world": _world(cfg)}) is None
    True
    """
    if not previous or previous.get("world") != _world(config):
        return None
    last = date.fromisoformat(previous["as_of"])
    if config.extract_date < last:
        return None
    cutoff = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    return cutoff - lag


def changed_rows(name: str, table: pa.Table, since: datetime | None) -> pa.Table:
    """The rows of ``table`` new or changed at or after ``since`` (all rows if None)."""
    columns = CHANGE_COLUMNS.get(name)
    if since is None or columns is None or table.num_rows == 0:
        return table
    mask = None
    for column in columns:
        values = table.column(column)
        bound = pa.scalar(since.date() if pa.types.is_date(values.type) else since, values.type)
        hit = pc.fill_null(pc.greater_equal(values, bound), False)
        mask = hit if mask is None else pc.or_(mask, hit)
    if name == "deals":  # every version of a changed deal
        keys = pc.unique(table.column("deal_id").filter(mask))
        mask = pc.is_in(table.column("deal_id"), value_set=keys)
    return table.filter(mask)


def _hints(name: str, incremental: bool) -> dict:
    keys = list(MERGE_KEYS.get(name, PRIMARY_KEYS[name]))
    key_hint = {"merge_key": keys} if name in MERGE_KEYS else {"primary_key": keys}
    return {
        "name": name,
        "write_disposition": "merge" if incremental else "replace",
        **key_hint,
        "columns": py_arrow_to_table_schema_columns(SCHEMAS[name]),
    }


class _ExtractState:
    """The source's view of its state: the previous extract it planned against (read when
    the source is created, from the pipeline active then) and the record it leaves.

    dlt gives the source body the state of the *active* pipeline; the pipeline that runs
    the source may be another one (created later). Each resource checks, when extraction
    starts, that the running pipeline's state is the one planned against, so a source
    created under another pipeline fails instead of merging the wrong rows."""

    def __init__(
        self, config: DemoCrmConfig, previous: dict[str, Any] | None, since: datetime | None
    ):
        self.record = extract_record(config)
        self.previous = previous
        self.since = since
        self.written = False

    def check(self) -> None:
        if self.since is None:
            return  # a full load is right whatever the state
        running = dlt.current.source_state().get(STATE_KEY)
        if running != self.previous and not (self.written and running == self.record):
            raise RuntimeError(
                "demo_crm_source was planned against another pipeline's state "
                f"(previous extract {self.previous}, the running pipeline's: {running}); "
                "create the source while the pipeline that runs it is the active one "
                "(e.g. right after dlt.pipeline(...))"
            )

    def remember(self) -> None:
        dlt.current.source_state()[STATE_KEY] = self.record
        self.written = True


def _org_resource(
    name: str, org_tables: Callable[[], dict[str, pa.Table]], state: _ExtractState
) -> DltResource:
    def rows() -> Iterator[pa.Table]:
        state.check()
        yield changed_rows(name, org_tables()[name], state.since)
        state.remember()

    return dlt.resource(rows, **_hints(name, state.since is not None))


def _block_transformer(name: str, chunks: DltResource, incremental: bool) -> DltResource:
    @dlt.transformer(data_from=chunks, **_hints(name, incremental))
    def pick(chunk: dict[str, pa.Table]) -> Iterator[pa.Table]:
        yield chunk[name]  # the chunks hold only what changed (iter_chunks' since)

    return pick


def _previous_extract() -> dict[str, Any] | None:
    try:
        return dlt.current.source_state().get(STATE_KEY)
    except Exception:  # no active pipeline, so no state to be incremental against
        return None


@dlt.source(name="demo_crm")
def demo_crm_source(
    config: DemoCrmConfig | None = None,
    chunk_deals: int = DEFAULT_CHUNK_DEALS,
    incremental: bool = True,
    lag: timedelta = LATE_ARRIVAL_LAG,
) -> list[DltResource]:
    """All 17 raw tables of the demo CRM for ``config`` (default: 10,000 deals): in full
    (``replace``) on a first run, or only what changed since the previous extract of the
    active pipeline (``merge``); ``incremental=False`` forces the full load. Create it
    with the pipeline that will run it active (dlt hands the source body the active
    pipeline's state); extraction fails if another pipeline runs it."""
    config = config or DemoCrmConfig()
    previous = _previous_extract()
    since = incremental_since(config, previous, lag) if incremental else None
    state = _ExtractState(config, previous, since)

    def chunk_stream() -> Iterator[_Chunk | None]:
        state.check()
        yield from paced_chunks(iter_chunks(config, chunk_deals, since=since))
        state.remember()

    chunks = dlt.resource(chunk_stream, name=CHUNKS_RESOURCE, selected=False)
    # the org tables come from one world build, shared by their resources
    org_tables = functools.cache(functools.partial(generate_org_tables, config))
    resources = [_org_resource(name, org_tables, state) for name in ORG_TABLES]
    resources += [_block_transformer(name, chunks, since is not None) for name in BLOCK_TABLES]
    resources.append(chunks)
    order = {name: i for i, name in enumerate(SCHEMAS)}
    return sorted(resources, key=lambda r: order.get(r.name, len(order)))
