"""Great Expectations 1.x on DuckDB through duckdb-engine: the two fixes the SQL route needs.

1. **Persisted connection.** GX's SQLAlchemy execution engine keeps one connection open (a
   ``StaticPool`` and ``get_connection`` reusing it) only for the dialects listed in
   ``great_expectations.execution_engine.sqlalchemy_execution_engine.
   _PERSISTED_CONNECTION_DIALECTS``. For any other dialect it reads bundled metric results
   after the connection is closed; duckdb-engine's cursor is gone by then, so every
   table metric fails with ``MetricResolutionError: list index out of range`` (raised at
   ``len(res[0])`` in ``resolve_metric_bundle``; GX issues 10738 and 11579).
   :func:`patch_persisted_connection` adds DuckDB to that tuple. GX compares its entries
   both with ``dialect_name.value`` (to pick the pool) and with ``==`` against the
   engine's dialect name, so the entry is a ``str`` that also has ``.value``.
   ``tests/test_quality_gx_duckdb.py`` fails loudly if GX renames or retypes the tuple.

2. **Column reflection.** SQLAlchemy 2.1's PostgreSQL column query (which duckdb-engine
   inherits) joins ``pg_catalog.pg_collation``, which DuckDB lacks, so GX falls back to
   ``SELECT * FROM <table> LIMIT 1`` *without* the schema. :func:`warehouse_engine_kwargs`
   opens the file read-only and :func:`pin_schema` sets the connection's ``search_path``
   to the one schema a datasource reads, so the unqualified name resolves to the right
   table (``raw_demo_crm.deals`` and ``marts.deals`` both exist).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from great_expectations.execution_engine import sqlalchemy_execution_engine as gx_sql_engine
from great_expectations.execution_engine.sqlalchemy_dialect import GXSqlDialect

DUCKDB_DIALECT = "duckdb"
PATCHED_ATTRIBUTE = "_PERSISTED_CONNECTION_DIALECTS"


class PersistedDialect(str):
    """A dialect name GX can hold beside its ``GXSqlDialect`` members (has ``.value``)."""

    @property
    def value(self) -> str:
        return str(self)


def persisted_dialects() -> tuple[Any, ...]:
    """GX's tuple of persisted-connection dialects, checked to be what this patch expects."""
    current = getattr(gx_sql_engine, PATCHED_ATTRIBUTE, None)
    if not isinstance(current, tuple) or not all(
        isinstance(entry, GXSqlDialect | PersistedDialect) for entry in current
    ):
        raise RuntimeError(
            f"great_expectations changed {gx_sql_engine.__name__}.{PATCHED_ATTRIBUTE} "
            f"(found {current!r}); orchestration/quality/gx_duckdb.py must be revisited"
        )
    return current


def patch_persisted_connection() -> None:
    """Make GX keep one connection per engine for DuckDB (idempotent)."""
    current = persisted_dialects()
    if DUCKDB_DIALECT not in {entry.value for entry in current}:
        setattr(gx_sql_engine, PATCHED_ATTRIBUTE, (*current, PersistedDialect(DUCKDB_DIALECT)))


def connection_string(path: Path) -> str:
    """The duckdb-engine URL of a DuckDB file."""
    return f"duckdb:///{path.resolve()}"


def warehouse_engine_kwargs(
    read_only: bool = True, config: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``create_engine`` keyword arguments for a GX datasource on the warehouse file, with
    DuckDB ``config`` (the run's memory limit) when given."""
    connect_args: dict[str, Any] = {"read_only": read_only}
    if config:
        connect_args["config"] = dict(config)
    return {"connect_args": connect_args}


def pin_schema(engine: sa.Engine, schema: str) -> None:
    """Resolve unqualified table names of every new connection of ``engine`` in ``schema``."""
    literal = schema.replace("'", "''")

    @sa.event.listens_for(engine, "connect")
    def _set_search_path(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"SET search_path = '{literal}'")
