"""Dagster's SQLite run history is written without waiting for the disk (orchestration.instance),
and nothing else is."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

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
