"""The DuckDB route of Great Expectations: why the patch exists, that it still fits GX, and
that checks read the right table, read-only, leaving no connection behind."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from great_expectations.execution_engine import sqlalchemy_execution_engine as gx_sql_engine
from great_expectations.execution_engine.sqlalchemy_dialect import GXSqlDialect

from orchestration.quality import gx_duckdb
from orchestration.quality.runner import run_suites
from orchestration.quality.suites import TableSuite, between, not_null


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_demo_crm; create schema marts")
        con.execute(
            "create table raw_demo_crm.deals as "
            "select 'deal-' || range as deal_id, range * 10.0 as amount from range(50)"
        )
        # same table name in another schema, without the checked columns
        con.execute("create table marts.deals as select 1 as unrelated")
    return path


SUITE = TableSuite("raw", "deals", ("deal_id",), (*not_null("deal_id"), between("amount", 0)))


def test_gx_still_has_the_persisted_connection_tuple_the_patch_extends() -> None:
    current = getattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE)
    assert isinstance(current, tuple)
    assert GXSqlDialect.SQLITE in current
    assert all(isinstance(e, GXSqlDialect | gx_duckdb.PersistedDialect) for e in current)
    # GX still consults the tuple where it decides to keep the connection open
    source = inspect.getsource(gx_sql_engine.SqlAlchemyExecutionEngine.get_connection)
    assert gx_duckdb.PATCHED_ATTRIBUTE in source
    assert gx_duckdb.PATCHED_ATTRIBUTE in inspect.getsource(
        gx_sql_engine._dialect_requires_persisted_connection
    )


def test_patch_refuses_to_guess_when_gx_changes_the_attribute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE, ["sqlite"])
    with pytest.raises(RuntimeError, match="must be revisited"):
        gx_duckdb.patch_persisted_connection()
    monkeypatch.delattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE)
    with pytest.raises(RuntimeError, match="must be revisited"):
        gx_duckdb.patch_persisted_connection()


def test_patch_is_idempotent_and_keeps_gx_dialects() -> None:
    gx_duckdb.patch_persisted_connection()
    once = getattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE)
    gx_duckdb.patch_persisted_connection()
    assert getattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE) == once
    assert "duckdb" in once and GXSqlDialect.SQLITE in once
    assert gx_sql_engine._dialect_requires_persisted_connection(connection_string="duckdb:///x")


def test_without_the_patch_gx_metrics_on_duckdb_fail_with_list_index_out_of_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure the patch fixes (GX issues 10738, 11579). If this starts passing without
    the patch, GX fixed it upstream and gx_duckdb.patch_persisted_connection can go."""
    unpatched = tuple(
        e
        for e in getattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE)
        if not isinstance(e, gx_duckdb.PersistedDialect)
    )
    monkeypatch.setattr(gx_duckdb, "patch_persisted_connection", lambda: None)
    monkeypatch.setattr(gx_sql_engine, gx_duckdb.PATCHED_ATTRIBUTE, unpatched)
    [outcome] = run_suites(_warehouse(tmp_path / "wh.duckdb"), [SUITE])
    assert not outcome.passed
    assert all("list index out of range" in (o.error or "") for o in outcome.outcomes)


def test_with_the_patch_a_clean_table_passes_on_duckdb(tmp_path: Path) -> None:
    [outcome] = run_suites(_warehouse(tmp_path / "wh.duckdb"), [SUITE])
    assert outcome.passed, [o.as_metadata() for o in outcome.outcomes]
    assert [o.element_count for o in outcome.outcomes] == [50, 50]


def test_suites_read_their_own_schema_when_another_has_the_same_table_name(
    tmp_path: Path,
) -> None:
    path = _warehouse(tmp_path / "wh.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("insert into raw_demo_crm.deals values ('deal-bad', -1)")
    [outcome] = run_suites(path, [SUITE])
    assert [o.unexpected_count for o in outcome.outcomes] == [0, 1]
    assert outcome.failed[0].samples == [{"deal_id": "deal-bad", "amount": -1}]


def test_no_connection_to_the_warehouse_outlives_the_checks(tmp_path: Path) -> None:
    path = _warehouse(tmp_path / "wh.duckdb")
    run_suites(path, [SUITE])
    # DuckDB refuses a read-write connection while a read-only one to the same file is
    # open in this process: this succeeds only if every GX engine was disposed
    with duckdb.connect(str(path)) as writer:
        writer.execute("create table marts.after_checks as select 1 as x")


def test_checks_open_the_warehouse_read_only(tmp_path: Path) -> None:
    path = _warehouse(tmp_path / "wh.duckdb")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        # another process reads the file: only a read-only open can share it
        [outcome] = run_suites(path, [SUITE])
        assert outcome.passed, [o.as_metadata() for o in outcome.outcomes]
    finally:
        holder.communicate("")
