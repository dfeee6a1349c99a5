"""Dagster's SQLite run history is written without waiting for the disk (orchestration.instance),
and nothing else is; its event log reuses its connections (orchestration.event_log)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)

from orchestration.event_log import OPEN_RUN_DATABASES, PooledSqliteEventLogStorage
from orchestration.instance import get_instance
from orchestration.settings import Settings


def _synchronous(connection: sa.Connection) -> int:
    return connection.exec_driver_sql("pragma synchronous").scalar_one()


def test_dagster_event_log_commits_unsynced_and_other_sqlite_files_keep_full_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESPULSE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    instance = get_instance(Settings.from_env())
    with instance.event_log_storage.index_connection() as connection:  # type: ignore[attr-defined]
        assert _synchronous(connection) == 0  # OFF
    elsewhere = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with elsewhere.connect() as connection:
        assert _synchronous(connection) == 2  # FULL, SQLite's default
    elsewhere.dispose()


# --- the event log reuses its connections (orchestration/event_log.py) --------------------


@dg.asset
def numbers() -> int:
    return 1


@dg.asset_check(asset=numbers)
def numbers_are_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _event_types(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [
        entry.dagster_event.event_type_value
        for entry in instance.all_logs(run_id)
        if entry.dagster_event is not None
    ]


def _materialize_counting_connects(instance: dg.DagsterInstance) -> tuple[str, int]:
    """Materialize the asset and its check; the run id and the connections opened to the
    event log's SQLite files."""
    event_log_dir = Path(instance.event_log_storage._base_dir)  # type: ignore[attr-defined]
    connects = []

    def count(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        files = [row[2] for row in dbapi_connection.execute("pragma database_list")]
        if any(file and Path(file).parent == event_log_dir for file in files):
            connects.append(files)

    sa.event.listen(sa.engine.Engine, "connect", count)
    try:
        result = dg.materialize([numbers, numbers_are_positive], instance=instance)
    finally:
        sa.event.remove(sa.engine.Engine, "connect", count)
    assert result.success
    return result.run_id, len(connects)


def test_event_log_stores_what_dagster_stores_on_a_connection_per_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project's event log (dagster.yaml) records the same events as Dagster's own SQLite
    event log, opening a few connections where Dagster's opens several per event."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("SALESPULSE_HOME", str(tmp_path / "pooled"))
    pooled_home = Settings.from_env().dagster_home
    pooled = get_instance(Settings.from_env())
    assert isinstance(pooled.event_log_storage, PooledSqliteEventLogStorage)
    pooled_run, pooled_connects = _materialize_counting_connects(pooled)

    plain_home = tmp_path / "plain"
    plain_home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(plain_home))
    plain = dg.DagsterInstance.from_config(str(plain_home))
    assert type(plain.event_log_storage) is SqliteEventLogStorage
    plain_run, plain_connects = _materialize_counting_connects(plain)

    stored = _event_types(pooled, pooled_run)
    assert stored == _event_types(plain, plain_run)
    assert "ASSET_CHECK_EVALUATION" in stored and "ASSET_MATERIALIZATION" in stored
    assert plain_connects > len(stored)  # Dagster's: a connection (or more) per event
    # the project's: creating each file's tables and Dagster's first check for the asset-check
    # table, then one connection to each file (index, run), whatever the number of events
    assert pooled_connects <= 8, pooled_connects
    # the run's events are readable by another process's storage (a fresh instance)
    monkeypatch.setenv("DAGSTER_HOME", str(pooled_home))
    reread = dg.DagsterInstance.from_config(str(pooled_home))
    assert _event_types(reread, pooled_run) == stored


def test_event_log_closes_older_run_databases_and_survives_a_wipe(tmp_path: Path) -> None:
    storage = PooledSqliteEventLogStorage(str(tmp_path / "runs"))
    run_ids = [f"run-{n}" for n in range(OPEN_RUN_DATABASES + 3)]
    for run_id in run_ids:
        storage.store_event(
            dg.EventLogEntry(
                error_info=None,
                level="INFO",
                user_message="hello",
                run_id=run_id,
                timestamp=1.0,
            )
        )
    assert sorted(storage._engines) == sorted([INDEX_SHARD_NAME, *run_ids[-OPEN_RUN_DATABASES:]])
    assert [len(storage.get_logs_for_run(run_id)) for run_id in run_ids] == [1] * len(run_ids)

    storage.wipe()
    assert storage.get_logs_for_run(run_ids[0]) == []
    storage.store_event(
        dg.EventLogEntry(
            error_info=None,
            level="INFO",
            user_message="again",
            run_id="run-after",
            timestamp=2.0,
        )
    )
    assert len(storage.get_logs_for_run("run-after")) == 1
    storage.dispose()
