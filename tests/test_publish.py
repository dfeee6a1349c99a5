"""Publishing: atomic swap, previous version kept, readers never blocked or half-served."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import Publication, publish
from orchestration.warehouse import connect as warehouse_connection

TABLES = [("marts", "deals"), ("marts", "rep_performance")]


def _warehouse(path: Path, n_rows: int) -> duckdb.DuckDBPyConnection:
    con = warehouse_connection(path)  # the marts in their own file, attached as `marts`
    con.execute(
        f"create or replace table marts.deals as select range as deal_id from range({n_rows})"
    )
    con.execute(
        "create or replace table marts.rep_performance as "
        f"select range as user_id, 1.0 as quota_attainment from range({n_rows // 2})"
    )
    return con


def _publication(
    run_id: str, cadence: str = "weekly", as_of: date = date(2026, 11, 22)
) -> Publication:
    return Publication(run_id=run_id, as_of_date=as_of, cadence=cadence, code_version="test")


def test_publish_writes_every_table_and_its_publication(tmp_path: Path) -> None:
    target = tmp_path / "published" / "salespulse.duckdb"
    with _warehouse(tmp_path / "wh.duckdb", 10) as wh:
        result = publish(wh, target, TABLES, _publication("run-1"))
    assert result.row_counts == {"deals": 10, "rep_performance": 5}
    with duckdb.connect(str(target), read_only=True) as reader:
        assert reader.execute("select run_id, as_of_date from publication").fetchall() == [
            ("run-1", date(2026, 11, 22))
        ]
        assert reader.execute("select count(*) from deals").fetchone() == (10,)
    assert target.with_suffix(".json").exists()
    assert not list(target.parent.glob(".*.tmp"))


def test_the_marts_file_is_copied_whole_without_what_is_not_published(tmp_path: Path) -> None:
    target = tmp_path / "salespulse.duckdb"
    with _warehouse(tmp_path / "wh.duckdb", 6) as wh:
        # what a failed dbt run or a removed model leaves in the marts file
        wh.execute("create table marts.deals__dbt_tmp as select 1 as deal_id")
        wh.execute("create view marts.retired_view as select 1 as x")
        wh.execute("create table marts.retired_mart as select 1 as x")
        publish(wh, target, TABLES, _publication("run-1"))
        # the connection keeps its marts attached, and the marts keep every relation
        assert wh.execute("select count(*) from marts.deals").fetchone() == (6,)
        assert wh.execute("select count(*) from marts.retired_mart").fetchone() == (1,)
        # a later change to the marts does not reach the published copy
        wh.execute("create or replace table marts.deals as select 1 as deal_id")
    with duckdb.connect(str(target), read_only=True) as reader:
        tables = reader.execute("select table_name from information_schema.tables").fetchall()
        assert reader.execute("select count(*) from deals").fetchone() == (6,)
    published = {name for (name,) in tables}
    assert published == {"deals", "rep_performance", "publication", "publication_log"}


def test_reader_holding_the_old_file_keeps_reading_it_through_a_publication(tmp_path: Path) -> None:
    target = tmp_path / "salespulse.duckdb"
    wh = _warehouse(tmp_path / "wh.duckdb", 10)
    publish(wh, target, TABLES, _publication("run-1"))
    reader = duckdb.connect(str(target), read_only=True)

    wh.execute("create or replace table marts.deals as select range as deal_id from range(20)")
    publish(wh, target, TABLES, _publication("run-2"))

    # the open connection still sees the whole old publication, with no lock error
    assert reader.execute("select run_id from publication").fetchone() == ("run-1",)
    assert reader.execute("select count(*) from deals").fetchone() == (10,)
    reader.close()
    with duckdb.connect(str(target), read_only=True) as fresh:
        assert fresh.execute("select run_id from publication").fetchone() == ("run-2",)
        assert fresh.execute("select count(*) from deals").fetchone() == (20,)
        assert fresh.execute("select count(*) from publication_log").fetchone() == (2,)
    with duckdb.connect(str(tmp_path / "salespulse.previous.duckdb"), read_only=True) as previous:
        assert previous.execute("select run_id from publication").fetchone() == ("run-1",)
    wh.close()


def test_concurrent_readers_never_see_half_a_publication(tmp_path: Path) -> None:
    target = tmp_path / "salespulse.duckdb"
    wh = _warehouse(tmp_path / "wh.duckdb", 100)
    publish(wh, target, TABLES, _publication("run-0"))
    seen: list[tuple[str, int, int]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_loop() -> None:
        while not stop.is_set():
            try:
                with duckdb.connect(str(target), read_only=True) as con:
                    run_id = con.execute("select run_id from publication").fetchone()[0]
                    deals = con.execute("select count(*) from deals").fetchone()[0]
                    reps = con.execute("select count(*) from rep_performance").fetchone()[0]
                    seen.append((run_id, deals, reps))
            except BaseException as exc:
                errors.append(exc)

    thread = threading.Thread(target=read_loop)
    thread.start()
    for i in range(1, 6):
        n = 100 * (i + 1)
        wh.execute(
            f"create or replace table marts.deals as select range as deal_id from range({n})"
        )
        wh.execute(
            "create or replace table marts.rep_performance as "
            f"select range as user_id, 1.0 as quota_attainment from range({n // 2})"
        )
        publish(wh, target, TABLES, _publication(f"run-{i}"))
    stop.set()
    thread.join(timeout=30)
    wh.close()

    assert not errors, errors[:3]
    assert seen, "the reader never got a connection"
    for run_id, deals, reps in seen:  # every read is one whole publication
        i = int(run_id.split("-")[1])
        assert (deals, reps) == (100 * (i + 1), 100 * (i + 1) // 2), (run_id, deals, reps)


def test_quarterly_publication_keeps_every_quarter_close(tmp_path: Path) -> None:
    target = tmp_path / "salespulse.duckdb"
    with _warehouse(tmp_path / "wh.duckdb", 4) as wh:
        publish(wh, target, TABLES, _publication("q2", "quarterly", date(2026, 6, 30)))
        publish(wh, target, TABLES, _publication("q3", "quarterly", date(2026, 9, 30)))
        publish(wh, target, TABLES, _publication("q3-again", "quarterly", date(2026, 9, 30)))
        publish(wh, target, TABLES, _publication("w", "weekly", date(2026, 11, 22)))
        # kept in the marts file, so each publication's file copy carries them
        assert wh.execute("select count(*) from marts.quarter_close_deals").fetchone() == (8,)
    with duckdb.connect(str(target), read_only=True) as reader:
        closes = reader.execute(
            "select quarter_close_date, count(*) from quarter_close_deals group by 1 order by 1"
        ).fetchall()
    assert closes == [(date(2026, 6, 30), 4), (date(2026, 9, 30), 4)]


def test_an_older_homes_quarter_closes_move_into_the_marts_file(tmp_path: Path) -> None:
    target = tmp_path / "salespulse.duckdb"
    with _warehouse(tmp_path / "wh.duckdb", 4) as wh:
        # where the warehouse kept them before the marts had their own file
        wh.execute("create schema quarter_close")
        wh.execute(
            "create table quarter_close.deals as "
            "select date '2026-03-31' as quarter_close_date, range as deal_id from range(3)"
        )
        publish(wh, target, TABLES, _publication("q2", "quarterly", date(2026, 6, 30)))
        publish(wh, target, TABLES, _publication("w", "weekly", date(2026, 11, 22)))
        schemas = wh.execute(
            "select count(*) from information_schema.schemata "
            "where catalog_name = current_database() and schema_name = 'quarter_close'"
        ).fetchone()
    assert schemas == (0,)
    with duckdb.connect(str(target), read_only=True) as reader:
        closes = reader.execute(
            "select quarter_close_date, count(*) from quarter_close_deals group by 1 order by 1"
        ).fetchall()
    assert closes == [(date(2026, 3, 31), 3), (date(2026, 6, 30), 4)]


def test_publishing_nothing_is_an_error(tmp_path: Path) -> None:
    with (
        duckdb.connect(str(tmp_path / "wh.duckdb")) as wh,
        pytest.raises(ValueError, match="no tables"),
    ):
        publish(wh, tmp_path / "p.duckdb", [], _publication("x"))
