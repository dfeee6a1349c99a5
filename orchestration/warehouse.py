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

from collections.abc import Mapping
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
    if first == MARTS_CATALOG:
        return MARTS_CATALOG, MARTS_SCHEMA, table
    return None, first, table


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
) -> bool:
    """Attach the marts file of ``warehouse`` to ``con`` as ``marts``; False when a
    read-only connection finds none yet (no dbt build has run)."""
    path = marts_path(warehouse)
    if read_only and not path.exists():
        return False
    literal = str(path).replace("'", "''")
    mode = "read_only" if read_only else f"storage_version '{MARTS_STORAGE_VERSION}'"
    con.execute(f"attach if not exists '{literal}' as {MARTS_CATALOG} ({mode})")
    return True


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
