"""Dagster's SQLite event log, with one open connection per database file instead of one per event.

Dagster's ``SqliteEventLogStorage`` creates a new SQLAlchemy engine and SQLite connection for
every event it records, and checks for the asset-check table with yet another one per check
event. A refresh records ~1,700 events (every dbt test is an asset check, planned then
evaluated), so a 10k-deal refresh spent ~5 s of its ~22 s opening connections and reading
the schema of a database it had just used (docs/performance.md, "Fixed costs on their own").

This subclass keeps an engine per database file (the index and the few most recent runs)
for the life of the process, each holding one connection. The stored data, the files and
their layout are Dagster's own; only how often a connection is opened changes. Access stays
serialized by the storage's own lock, which Dagster holds for the whole of every use of a
connection, and SQLite's file locking still arbitrates between processes (the webserver,
the daemon, a run). dagster.yaml selects it (``event_log_storage``); without a ``base_dir``
it uses Dagster's default place, ``$DAGSTER_HOME/history/runs``.
"""

from __future__ import annotations

import atexit
import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Connection, Engine
from sqlalchemy.pool import NullPool, QueuePool

# run databases kept open besides the index: a process records one run at a time, and the
# webserver reads a few; older ones are closed
OPEN_RUN_DATABASES = 4


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` that reuses one connection per database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._existing_tables: set[str] = set()
        super().__init__(base_dir, inst_data)
        # closed when the interpreter exits normally (the `salespulse` command skips that
        # teardown: its commits stay in SQLite's write-ahead log until the next reader)
        atexit.register(self._close_all)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> PooledSqliteEventLogStorage:
        base_dir = config_value.get("base_dir") or os.path.join(
            os.environ["DAGSTER_HOME"], "history", "runs"
        )
        return cls(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        """The open engine of ``shard``'s database, created (and the database initialized) once."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        conn_string = self.conn_string_for_shard(shard)
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        if shard not in self._initialized_dbs:
            # Dagster's own first use: creating the tables takes connections of its own
            setup = create_engine(conn_string, poolclass=NullPool, connect_args=connect_args)
            self._initdb(setup)
            setup.dispose()
            self._initialized_dbs.add(shard)
        engine = create_engine(
            conn_string,
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            connect_args={**connect_args, "check_same_thread": False},
        )
        self._engines[shard] = engine
        runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
        for name in runs[:-OPEN_RUN_DATABASES]:
            self._engines.pop(name).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def has_table(self, table_name: str) -> bool:
        # Dagster's own check (a connection of its own, not under the lock) until the table
        # is seen: a table, once there, stays (wipe() forgets what was seen)
        if table_name not in self._existing_tables and super().has_table(table_name):
            self._existing_tables.add(table_name)
        return table_name in self._existing_tables

    def _close_all(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        self._existing_tables.clear()

    def wipe(self) -> None:
        self._close_all()
        super().wipe()

    def upgrade(self) -> None:
        self._close_all()
        super().upgrade()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()
