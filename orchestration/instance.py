"""The Dagster instance SalesPulse runs in: DAGSTER_HOME with the project's dagster.yaml.

Its storage is Dagster's default: SQLite files under DAGSTER_HOME. Dagster opens a new
connection and commits once for every event it records, and a run records ~1,700 (each dbt
test is an asset check, planned then evaluated): with SQLite's default ``synchronous=FULL``
every commit waits for the disk, 5 s of a quiet run and 35 s on a busy disk
(docs/performance.md). Runs here write those files with ``synchronous=OFF``: a crash of
the process loses nothing, a crash of the machine mid-write can lose or damage the local
run history, never the warehouse or a publication (the audit trail is in the published
file). A deployment that needs crash-safe run history uses Postgres storage in
dagster.yaml (docs/scaling.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import dagster as dg
import sqlalchemy as sa

from orchestration.settings import Settings

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME with the project's instance config (kept if already there)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_CONFIG, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance(settings: Settings) -> dg.DagsterInstance:
    home = prepare_dagster_home(settings)
    unsynced_sqlite_under(home)
    return dg.DagsterInstance.get()


_UNSYNCED_DIRS: set[Path] = set()


def unsynced_sqlite_under(directory: Path) -> None:
    """From now on in this process, SQLite databases under ``directory`` are written with
    ``PRAGMA synchronous=OFF`` (commits do not wait for the disk)."""
    _UNSYNCED_DIRS.add(directory.resolve())
    if not sa.event.contains(sa.engine.Engine, "connect", _unsync):
        sa.event.listen(sa.engine.Engine, "connect", _unsync)


def _unsync(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    for _seq, name, file in dbapi_connection.execute("pragma database_list").fetchall():
        if name == "main" and file and _is_under(Path(file), _UNSYNCED_DIRS):
            dbapi_connection.execute("pragma synchronous=OFF")


def _is_under(path: Path, directories: set[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(d) for d in directories)
