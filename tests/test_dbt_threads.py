"""How many models dbt builds side by side: two while the raw data is small for the DuckDB
memory limit, one above it (two large models split one memory limit and spill), or what
SALESPULSE_DBT_THREADS says."""

from pathlib import Path

import duckdb
import pytest

from orchestration.defs.transformation import raw_row_count
from orchestration.settings import RAW_ROWS_PER_GB_FOR_PARALLEL_MODELS, Settings, memory_limit_bytes


def test_two_threads_up_to_the_raw_rows_the_memory_limit_holds_then_one(tmp_path: Path) -> None:
    settings = Settings.from_env({"SALESPULSE_HOME": str(tmp_path)})  # 3GB
    boundary = 3 * RAW_ROWS_PER_GB_FOR_PARALLEL_MODELS
    assert settings.dbt_threads_for(0) == 2
    assert settings.dbt_threads_for(boundary) == 2
    assert settings.dbt_threads_for(boundary + 1) == 1
    larger = Settings.from_env(
        {"SALESPULSE_HOME": str(tmp_path), "SALESPULSE_DUCKDB_MEMORY_LIMIT": "12GB"}
    )
    assert larger.dbt_threads_for(boundary + 1) == 2
    assert larger.dbt_threads_for(182_000_000) == 1  # 10M deals


def test_configured_threads_win(tmp_path: Path) -> None:
    settings = Settings.from_env({"SALESPULSE_HOME": str(tmp_path), "SALESPULSE_DBT_THREADS": "4"})
    assert settings.dbt_threads_for(10**9) == 4
    assert settings.dbt_threads_for(0) == 4


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("3GB", 3 * 10**9), ("500MB", 5 * 10**8), ("1.5 GiB", 3 * 2**29), ("12gb", 12 * 10**9)],
)
def test_memory_limits_read_as_duckdb_reads_them(limit: str, expected: int) -> None:
    assert memory_limit_bytes(limit) == expected


@pytest.mark.parametrize("limit", ["", "GB", "3 parsecs", "lots"])
def test_a_bad_memory_limit_is_named(limit: str) -> None:
    with pytest.raises(ValueError, match="not a memory limit"):
        memory_limit_bytes(limit)


def test_raw_rows_are_counted_in_the_raw_schema_only(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    assert raw_row_count(warehouse, "raw_demo_crm") == 0  # no warehouse yet
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema raw_demo_crm")
        con.execute("create table raw_demo_crm.deals as select range as id from range(1234)")
        con.execute("create table raw_demo_crm.activities as select range as id from range(56)")
        con.execute("create schema marts")
        con.execute("create table marts.deals as select range as id from range(999)")
    assert raw_row_count(warehouse, "raw_demo_crm") == 1234 + 56
    assert raw_row_count(warehouse, "raw_hubspot") == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SALESPULSE_DBT_THREADS", "0"),
        ("SALESPULSE_DBT_THREADS", "two"),
        ("SALESPULSE_DBT_THREADS", "-1"),
        ("SALESPULSE_DUCKDB_MEMORY_LIMIT", "lots"),
    ],
)
def test_bad_settings_fail_early_naming_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({"SALESPULSE_HOME": str(tmp_path), name: value})
