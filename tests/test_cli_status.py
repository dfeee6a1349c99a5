"""`salespulse status` reads the published file: publication, tables, quarantine per rule."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from orchestration.cli import _print_published, published_summary
from orchestration.publish import Publication, publish
from orchestration.warehouse import connect as warehouse_connection


def test_status_shows_quarantine_counts_per_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "salespulse.duckdb"
    with warehouse_connection(tmp_path / "wh.duckdb") as wh:
        wh.execute("create table marts.deals as select range as deal_id from range(3)")
        wh.execute(
            "create table marts.quarantine as select * from (values "
            "('deals', 'negative_amount'), ('deals', 'negative_amount'), "
            "('activities', 'orphan_owner')) as t(raw_table, rule)"
        )
        publish(
            wh,
            target,
            [("marts", "deals"), ("marts", "quarantine")],
            Publication(run_id="r1", as_of_date=date(2026, 11, 15), cadence="weekly"),
        )
    summary = published_summary(target)
    assert summary["quarantine_by_rule"] == {
        "activities.orphan_owner": 1,
        "deals.negative_amount": 2,
    }
    _print_published(summary)
    out = capsys.readouterr().out
    assert "quarantine: 3 rows" in out
    assert "deals.negative_amount" in out


def test_status_of_nothing_published(tmp_path: Path) -> None:
    assert published_summary(tmp_path / "none.duckdb") == {
        "path": str(tmp_path / "none.duckdb"),
        "published": False,
    }


def test_the_command_exits_with_main_s_code_and_flushed_output(tmp_path: Path) -> None:
    """`entry()` skips the interpreter's teardown (os._exit): output piped to another
    process must still arrive whole, and the exit code must be main()'s."""
    env = {**os.environ, "SALESPULSE_HOME": str(tmp_path)}
    ok = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "status"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[-1].startswith("published: nothing yet at ")
    bad = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--as-of", "2999-01-01"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "--as-of must be a complete day" in bad.stderr
