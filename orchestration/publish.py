"""Publication: copy report tables out of the warehouse into a file BI tools read.

DuckDB lets one process write a file and no other process open it meanwhile, so readers
never touch the warehouse. Each publication builds a new DuckDB file beside the published
one and renames it over the old one (an atomic rename on POSIX): a reader that holds the
previous file open keeps reading it, unaffected, and the next connection sees the new
publication whole. The previous file is kept as ``<name>.previous.duckdb``.

The marts come over as a whole file: dbt builds them in their own DuckDB file
(orchestration/warehouse.py), which is copied byte for byte, and the other published tables
(the publication log, lineage, audit) are written into the copy. A file copy costs a
fraction of re-encoding every table (docs/performance.md, "Publishing"). The quarter-close
slices are kept in the marts file too (``marts.quarter_close_<table>``), so they travel
with that copy instead of being re-encoded into every later publication.

The file has DuckDB storage version v1.4.0 so older DuckDB readers (BI tools, Evidence) can
open it: the marts file is created in it (``warehouse.MARTS_STORAGE_VERSION``), and a copy
keeps its version.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.warehouse import MARTS_CATALOG, MARTS_SCHEMA, detached_marts

LOG_SCHEMA = "publish"
QUARTER_CLOSE_PREFIX = "quarter_close_"
WAREHOUSE_QUARTER_CLOSE_SCHEMA = "quarter_close"
"""Where homes built before the marts had their own file kept the quarter-close slices."""


@dataclass(frozen=True)
class Publication:
    """What one publication is: which run, computed as of which date, for which cadence."""

    run_id: str
    as_of_date: date
    cadence: str  # weekly | quarterly | adhoc
    code_version: str = "unknown"
    published_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class PublishResult:
    path: Path
    previous_path: Path | None
    row_counts: dict[str, int]


def publish(
    warehouse: duckdb.DuckDBPyConnection,
    published_path: Path,
    tables: Sequence[tuple[str, str]],
    publication: Publication,
    archive_path: Path | None = None,
) -> PublishResult:
    """Publish ``tables`` ((schema, name) pairs in the warehouse) as of one date.

    The warehouse connection must be the (single) writer's; the publication is logged in
    the warehouse first, so the log travels with every later publication too. With
    ``archive_path``, the new file is also kept there (a hard link): weekly and quarterly
    publications stay readable after later ones replace the published file.
    """
    if not tables:
        raise ValueError("publish: no tables to publish")
    published_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = published_path.with_name(f".{published_path.name}.{publication.run_id}.tmp")
    _remove(tmp_path)

    _move_warehouse_quarter_closes(warehouse)
    if publication.cadence == "quarterly":
        _record_quarter_close(warehouse, tables, publication.as_of_date)
    _record_publication(warehouse, publication, tables)

    marts = [name for schema, name in tables if schema == MARTS_CATALOG]
    kept = [*marts, *_quarter_close_tables(warehouse)]
    with detached_marts(warehouse) as marts_file:
        shutil.copyfile(marts_file, tmp_path)
    row_counts: dict[str, int] = {}
    warehouse.execute(f"attach '{tmp_path}' as pub")
    try:
        _drop_unpublished(warehouse, keep=kept)
        for schema, name in tables:
            if schema != MARTS_CATALOG:
                warehouse.execute(
                    f'create table pub.main."{name}" as select * from "{schema}"."{name}"'
                )
            row_counts[name] = _count(warehouse, f'pub.main."{name}"')
        warehouse.execute(
            f"create table pub.main.publication_log as select * from {LOG_SCHEMA}.publication_log"
        )
        warehouse.execute(
            "create table pub.main.publication as select * from pub.main.publication_log "
            "where run_id = ?",
            [publication.run_id],
        )
    finally:
        warehouse.execute("detach pub")

    _fsync(tmp_path)
    previous = _keep_previous(published_path)
    if archive_path is not None:
        archive_path.parent.mkdir(parents=True, exist_ok=True)
        _remove(archive_path)
        os.link(tmp_path, archive_path)
    os.replace(tmp_path, published_path)
    _write_json_atomically(
        published_path.with_suffix(".json"),
        {
            **{k: str(v) for k, v in asdict(publication).items()},
            "path": str(published_path),
            "tables": row_counts,
        },
    )
    return PublishResult(path=published_path, previous_path=previous, row_counts=row_counts)


def _drop_unpublished(warehouse: duckdb.DuckDBPyConnection, keep: Sequence[str]) -> None:
    """Drop from the copy what is not published: marts of models since removed, or a
    relation a failed dbt run left behind."""
    rows = warehouse.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_catalog = 'pub' and table_schema = ?",
        [MARTS_SCHEMA],
    ).fetchall()
    for name, kind in rows:
        if name not in keep:
            what = "view" if kind == "VIEW" else "table"
            warehouse.execute(f'drop {what} pub.main."{name}"')


def _record_publication(
    warehouse: duckdb.DuckDBPyConnection,
    publication: Publication,
    tables: Sequence[tuple[str, str]],
) -> None:
    warehouse.execute(f"create schema if not exists {LOG_SCHEMA}")
    warehouse.execute(
        f"""
        create table if not exists {LOG_SCHEMA}.publication_log (
            run_id varchar primary key,
            as_of_date date not null,
            cadence varchar not null,
            code_version varchar,
            published_at timestamp not null,
            tables varchar not null
        )
        """
    )
    warehouse.execute(
        f"insert or replace into {LOG_SCHEMA}.publication_log values (?, ?, ?, ?, ?, ?)",
        [
            publication.run_id,
            publication.as_of_date,
            publication.cadence,
            publication.code_version,
            publication.published_at.astimezone(UTC).replace(tzinfo=None),
            ",".join(name for _, name in tables),
        ],
    )


def _record_quarter_close(
    warehouse: duckdb.DuckDBPyConnection, tables: Sequence[tuple[str, str]], as_of: date
) -> None:
    """Keep a quarter-close copy of every table in the marts file, one slice per as-of date
    (idempotent)."""
    for schema, name in tables:
        target = f'{MARTS_CATALOG}."{QUARTER_CLOSE_PREFIX}{name}"'
        warehouse.execute(
            f"create table if not exists {target} as "
            f'select cast(null as date) as quarter_close_date, * from "{schema}"."{name}" limit 0'
        )
        warehouse.execute(f"delete from {target} where quarter_close_date = ?", [as_of])
        warehouse.execute(
            f"insert into {target} by name "
            f'select ? as quarter_close_date, * from "{schema}"."{name}"',
            [as_of],
        )


def _quarter_close_tables(warehouse: duckdb.DuckDBPyConnection) -> list[str]:
    """The quarter-close tables of the marts file (``quarter_close_<table>``)."""
    rows = warehouse.execute(
        "select table_name from information_schema.tables where table_catalog = ? "
        "and table_schema = ? and starts_with(table_name, ?) order by 1",
        [MARTS_CATALOG, MARTS_SCHEMA, QUARTER_CLOSE_PREFIX],
    ).fetchall()
    return [r[0] for r in rows]


def _move_warehouse_quarter_closes(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Move the quarter-close slices an older home kept in the warehouse (schema
    ``quarter_close``) into the marts file; a no-op once done."""
    rows = warehouse.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ?",
        [WAREHOUSE_QUARTER_CLOSE_SCHEMA],
    ).fetchall()
    for (name,) in rows:
        warehouse.execute(
            f'create table if not exists {MARTS_CATALOG}."{QUARTER_CLOSE_PREFIX}{name}" as '
            f'select * from {WAREHOUSE_QUARTER_CLOSE_SCHEMA}."{name}"'
        )
    if rows:
        warehouse.execute(f"drop schema {WAREHOUSE_QUARTER_CLOSE_SCHEMA} cascade")


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def _keep_previous(published_path: Path) -> Path | None:
    """Hard-link the current file as the previous one (atomically), if there is one."""
    if not published_path.exists():
        return None
    previous = published_path.with_name(published_path.stem + ".previous" + published_path.suffix)
    staging = previous.with_name("." + previous.name + ".tmp")
    _remove(staging)
    os.link(published_path, staging)
    os.replace(staging, previous)
    return previous


def _write_json_atomically(path: Path, payload: dict[str, object]) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
