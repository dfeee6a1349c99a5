"""The warehouse's two DuckDB files, and the one way to open them.

The warehouse file holds dlt's raw tables and dbt's staging and intermediate layers. The
marts live in a second file beside it, ``<warehouse>.marts.duckdb``, which dbt's profile
attaches as catalog ``marts`` (dbt_project/macros/generate_names.sql): publishing copies
that file whole, a plain file copy, instead of re-encoding every mart into a new file
(orchestration/publish.py).

Every reader of the marts opens the warehouse with :func:`connect`, which attaches the marts
file under the same name, so ``marts.<table>`` means the same table in dbt's SQL and here:

>>> marts_path(Path("/data/warehouse.duckdb")).name
'warehouse.marts.duckdb'

A relation is named by the shortest name DuckDB resolves on such a connection: ``schema.table``
in the warehouse, ``marts.table`` in the marts file:

>>> relation_name("warehouse", "intermediate", "int_deals"), relation_name("marts", "main", "deals")
('intermediate.int_deals', 'marts.deals')
>>> relation_parts("marts.deals"), relation_parts("intermediate.int_deals")
(('marts', 'main', 'deals'), (None, 'intermediate', 'int_deals'))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb

MARTS_CATALOG = "marts"
MARTS_SCHEMA = "main"  # the marts file's one schema, as in the published file
# The marts file is created in the storage version published files keep (it becomes one),
# so DuckDB 1.4 readers (BI tools, Evidence's connector) can open it; dbt's profile says
# the same.
MARTS_STORAGE_VERSION = "v1.4.0"
_SUFFIX = ".duckdb"


def marts_path(warehouse: Path) -> Path:
    """The marts file beside ``warehouse`` (the rule dbt's profile spells out too)."""
    name = warehouse.name
    stem = name[: -len(_SUFFIX)] if name.endswith(_SUFFIX) else name
    return warehouse.with_name(f"{stem}.marts{_SUFFIX}")


def relation_name(catalog: str | None, schema: str, table: str) -> str:
    """``marts.<table>`` for a mart, ``<schema>.<table>`` for the warehouse's relations."""
    return f"{MARTS_CATALOG}.{table}" if catalog == MARTS_CATALOG else f"{schema}.{table}"


def relation_parts(name: str) -> tuple[str | None, str, str]:
    """(catalog or None for the warehouse's own, schema, table) of a :func:`relation_name`."""
    first, table = name.split(".", 1)
    return (MARTS_CATALOG if first == MARTS_CATALOG else None), schema_in_file(first), table


def schema_in_file(schema: str) -> str:
    """The schema that ``schema.<table>`` names in its file: ``marts`` is the marts file's
    ``main``; the warehouse's schemas are themselves."""
    return MARTS_SCHEMA if schema == MARTS_CATALOG else schema


def file_of(warehouse: Path, schema: str) -> Path:
    """The file holding the tables of ``schema``: the marts file for ``marts``."""
    return marts_path(warehouse) if schema == MARTS_CATALOG else warehouse


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the attached marts file, by name."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = ? "
        "and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [MARTS_CATALOG, MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def attach_marts(
    con: duckdb.DuckDBPyConnection, warehouse: Path, *, read_only: bool = False
) -> None:
    """Attach the marts file of ``warehouse`` to ``con`` as ``marts`` (read-only: only once
    a dbt build has created it)."""
    path = marts_path(warehouse)
    if read_only and not path.exists():
        return
    _attach(con, path, read_only=read_only)


@contextmanager
def detached_marts(con: duckdb.DuckDBPyConnection) -> Iterator[Path]:
    """The path of the marts file attached to ``con``, checkpointed (so the file alone holds
    every change) and detached while the block runs, then attached again."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = ?", [MARTS_CATALOG]
    ).fetchone()
    if row is None or not row[0]:
        raise RuntimeError(
            f"no marts file attached as {MARTS_CATALOG!r} "
            "(open the warehouse with orchestration.warehouse.connect)"
        )
    path = Path(row[0])
    con.execute(f"checkpoint {MARTS_CATALOG}")
    con.execute(f"detach {MARTS_CATALOG}")
    try:
        yield path
    finally:
        _attach(con, path, read_only=False)


def _attach(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> None:
    literal = str(path).replace("'", "''")
    mode = "read_only" if read_only else f"storage_version '{MARTS_STORAGE_VERSION}'"
    con.execute(f"attach if not exists '{literal}' as {MARTS_CATALOG} ({mode})")


def connect(
    warehouse: Path, *, read_only: bool = False, config: Mapping[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to ``warehouse`` with its marts attached as ``marts``.

    The one-writer rule holds for both files: while a process has them open read-write, no
    other process can open either.
    """
    con = duckdb.connect(str(warehouse), read_only=read_only, config=dict(config or {}))
    try:
        attach_marts(con, warehouse, read_only=read_only)
    except BaseException:
        con.close()
        raise
    return con
