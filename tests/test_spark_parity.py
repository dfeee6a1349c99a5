"""The same dbt project on Spark gives the same marts as on DuckDB (issue 8).

dlt lands the demo CRM once as Parquet (filesystem destination, with its ``_dlt_load_id``
column); the files are registered as the raw tables of both engines (a DuckDB file, and
external tables in a local Spark session's metastore: orchestration/spark_sources.py).
``dbt build`` (models and data tests; on Spark also the unit tests) runs on each, and
every table of schema ``marts`` is compared: same tables, same columns with the same kind
of type, same row count and the same rows. Values compare exactly (decimals, integers,
text, dates, timestamps, booleans) except doubles, which must agree within
``REL_TOLERANCE`` relative (or ``ABS_TOLERANCE`` absolute, for values near zero): the
engines sum and divide doubles in different orders.

Needs the Spark venv (``make spark-setup``: dbt-spark[session], pyspark, Java 17+) and
runs with ``make test-spark``; skipped in the main venv. Takes minutes (JVM start, ~600
queries on a local session): set SALESPULSE_SPARK_UNIT_TESTS=0 to leave dbt's unit tests
out of the Spark build.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

pytest.importorskip("pyspark", reason="needs the Spark venv: make spark-setup")
pytest.importorskip("dbt.adapters.spark", reason="needs dbt-spark: make spark-setup")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17+", allow_module_level=True)


from orchestration.settings import DBT_PROJECT_DIR  # noqa: E402
from orchestration.spark_sources import (  # noqa: E402
    RAW_SCHEMA,
    land_demo_crm,
    register_duckdb,
    spark_session,
)
from orchestration.warehouse import connect as warehouse_connection  # noqa: E402
from orchestration.warehouse import mart_tables  # noqa: E402
from tests.crm_build import RUN_COLUMNS  # noqa: E402

SIZE = 2_000
AS_OF = dt.date(2026, 11, 15)
MART_SCHEMA = "marts"
REL_TOLERANCE = 1e-9
ABS_TOLERANCE = 1e-12
DBT = Path(sys.executable).with_name("dbt")


# ---------------------------------------------------------------------------- builds


def _dbt_build(target: str, env: dict[str, str], workdir: Path, unit_tests: bool) -> float:
    """``dbt build`` on ``target``; returns the wall seconds. Fails with dbt's output."""
    command = [
        str(DBT),
        "build",
        "--target",
        target,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(workdir / f"target_{target}"),
        "--log-path",
        str(workdir / f"logs_{target}"),
        "--vars",
        json.dumps({"as_of_date": AS_OF.isoformat()}),
        "--no-partial-parse",
    ]
    if not unit_tests:
        command += ["--exclude", "resource_type:unit_test"]
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    (workdir / f"dbt_{target}.log").write_text(result.stdout + result.stderr)
    lines = [line for line in result.stdout.splitlines() if "WARN SparkSession" not in line]
    assert result.returncode == 0, f"dbt build --target {target} failed:\n" + "\n".join(lines[-80:])
    return seconds


def _kind(type_name: str) -> str:
    """A column type as a kind both engines share (their spellings and widths differ)."""
    name = type_name.lower()
    for prefix, kind in (
        ("decimal", "decimal"),
        ("double", "double"),
        ("float", "double"),
        ("real", "double"),
        ("bigint", "integer"),
        ("int", "integer"),
        ("smallint", "integer"),
        ("tinyint", "integer"),
        ("hugeint", "integer"),
        ("long", "integer"),
        ("varchar", "text"),
        ("string", "text"),
        ("text", "text"),
        ("bool", "boolean"),
        ("date", "date"),
        ("timestamp", "timestamp"),
    ):
        if name.startswith(prefix):
            return kind
    return name


Table = tuple[list[str], list[str], list[tuple]]  # column names, kinds, rows


def _duckdb_marts(warehouse: Path) -> dict[str, Table]:
    marts: dict[str, Table] = {}
    with warehouse_connection(warehouse, read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        for table in mart_tables(con):
            described = con.execute(f"describe {MART_SCHEMA}.{table}").fetchall()
            rows = con.execute(f"select * from {MART_SCHEMA}.{table}").fetchall()
            marts[table] = ([c[0] for c in described], [_kind(c[1]) for c in described], rows)
    return marts


def _spark_marts(env: dict[str, str]) -> dict[str, Table]:
    spark = spark_session(env)
    try:
        marts: dict[str, Table] = {}
        for row in spark.sql(f"show tables in {MART_SCHEMA}").collect():
            if row["isTemporary"]:
                continue
            frame = spark.table(f"{MART_SCHEMA}.{row['tableName']}")
            fields = frame.schema.fields
            marts[row["tableName"]] = (
                [f.name for f in fields],
                [_kind(f.dataType.simpleString()) for f in fields],
                [tuple(r) for r in frame.collect()],
            )
        return marts
    finally:
        spark.stop()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo CRM landed once as Parquet, built on DuckDB and on Spark; both sets of
    marts, and the timings."""
    # Spark hands timestamps to Python in the process's local zone: read them in UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()
    keep = os.environ.get("SALESPULSE_SPARK_PARITY_DIR")  # keep the builds to inspect
    workdir = Path(keep) if keep else tmp_path_factory.mktemp("spark_parity")
    if keep:
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
    timings: dict[str, float] = {}

    start = time.perf_counter()
    dataset_dir = land_demo_crm(workdir / "raw", SIZE, AS_OF, pipelines_dir=workdir / "dlt")
    timings["dlt to Parquet"] = time.perf_counter() - start

    base_env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "SALESPULSE_DEMO_CRM_SCHEMA": RAW_SCHEMA,
        "SALESPULSE_SPARK_DIR": str(workdir / "spark"),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }

    warehouse = workdir / "warehouse.duckdb"
    register_duckdb(warehouse, dataset_dir)
    duck_env = {**base_env, "SALESPULSE_WAREHOUSE": str(warehouse)}
    timings["dbt build duckdb"] = _dbt_build("duckdb", duck_env, workdir, unit_tests=False)

    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.spark_sources",
            "--register-only",
            "--out",
            str(workdir / "raw"),
        ],
        env=base_env,
        check=True,
        capture_output=True,
    )
    timings["register Parquet on Spark"] = time.perf_counter() - start
    unit_tests = os.environ.get("SALESPULSE_SPARK_UNIT_TESTS", "1") != "0"
    timings["dbt build spark" + (" (with unit tests)" if unit_tests else "")] = _dbt_build(
        "spark", base_env, workdir, unit_tests=unit_tests
    )

    duck = _duckdb_marts(warehouse)
    start = time.perf_counter()
    spark = _spark_marts(base_env)
    timings["read Spark marts"] = time.perf_counter() - start

    (workdir / "timings.json").write_text(json.dumps(timings, indent=2))
    return {"duckdb": duck, "spark": spark, "timings": timings, "workdir": workdir}


# ---------------------------------------------------------------------------- comparing


def _sort_key(row: tuple) -> tuple:
    """Order rows the same on both engines: doubles rounded, nulls first, by type name."""
    key = []
    for value in row:
        if isinstance(value, float):
            value = None if math.isnan(value) else float(f"{value:.6g}")
        key.append((value is not None, type(value).__name__, "" if value is None else value))
    return tuple(key)


def values_equal(a: Any, b: Any) -> bool:
    """Equal values: doubles within the tolerance (NaN equals NaN), all else exactly."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)
    if isinstance(a, decimal.Decimal) and isinstance(b, decimal.Decimal):
        return a == b  # exact, whatever the scale of each engine's result type
    if type(a) is not type(b) and not (a is None or b is None):
        return False
    return a == b


# not compared (present on both): the columns that name what computed a row, and the deal
# fingerprint (each engine's own hash: salespulse.row_hash)
UNCOMPARED_COLUMNS = frozenset({*RUN_COLUMNS, "deal_fingerprint"})


def _without_run_columns(table: Table) -> Table:
    cols, kinds, rows = table
    keep = [i for i, c in enumerate(cols) if c not in UNCOMPARED_COLUMNS]
    return (
        [cols[i] for i in keep],
        [kinds[i] for i in keep],
        [tuple(row[i] for i in keep) for row in rows],
    )


def table_differences(name: str, duck: Table, spark: Table, limit: int = 5) -> list[str]:
    """What differs between one mart on DuckDB and on Spark (empty: equal), the
    ``UNCOMPARED_COLUMNS`` aside but for their presence."""
    if duck[0] != spark[0]:
        return [f"{name}: columns differ: duckdb {duck[0]} vs spark {spark[0]}"]
    d_cols, d_kinds, d_rows = _without_run_columns(duck)
    _, s_kinds, s_rows = _without_run_columns(spark)
    problems = [
        f"{name}.{col}: type kind duckdb {dk} vs spark {sk}"
        for col, dk, sk in zip(d_cols, d_kinds, s_kinds, strict=True)
        if dk != sk
    ]
    if len(d_rows) != len(s_rows):
        return [*problems, f"{name}: {len(d_rows)} rows on duckdb vs {len(s_rows)} on spark"]
    mismatched = 0
    for d_row, s_row in zip(
        sorted(d_rows, key=_sort_key), sorted(s_rows, key=_sort_key), strict=True
    ):
        cells = [
            f"{col}: duckdb {d!r} vs spark {s!r}"
            for col, d, s in zip(d_cols, d_row, s_row, strict=True)
            if not values_equal(d, s)
        ]
        if cells:
            mismatched += 1
            if mismatched <= limit:
                problems.append(
                    f"{name} row {dict(zip(d_cols, d_row, strict=True))}: " + "; ".join(cells)
                )
    if mismatched > limit:
        problems.append(f"{name}: {mismatched} rows differ in all")
    return problems


# ---------------------------------------------------------------------------- tests


def test_same_mart_tables(builds: dict[str, Any]) -> None:
    duck, spark = builds["duckdb"], builds["spark"]
    assert len(duck) >= 20, f"expected the published marts, found {sorted(duck)}"
    assert sorted(spark) == sorted(duck)


def test_marts_equal_on_spark_and_duckdb(builds: dict[str, Any]) -> None:
    duck, spark = builds["duckdb"], builds["spark"]
    problems = [
        problem
        for name in sorted(set(duck) & set(spark))
        for problem in table_differences(name, duck[name], spark[name])
    ]
    (builds["workdir"] / "differences.txt").write_text("\n".join(problems) + "\n")
    assert not problems, f"{len(problems)} difference(s) between engines:\n" + "\n".join(problems)


def test_report_build_times(builds: dict[str, Any], capsys: pytest.CaptureFixture) -> None:
    timings = builds["timings"]
    summary = ", ".join(f"{step} {seconds:.0f}s" for step, seconds in timings.items())
    with capsys.disabled():
        print(f"\nspark parity (demo CRM {SIZE:,} deals, {len(builds['duckdb'])} marts): {summary}")
    assert all(seconds > 0 for seconds in timings.values())


def test_marts_are_not_trivially_empty(builds: dict[str, Any]) -> None:
    empty = sorted(name for name, (_, _, rows) in builds["duckdb"].items() if not rows)
    assert len(empty) <= len(builds["duckdb"]) // 4, f"too many empty marts to compare: {empty}"


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1.0, 1.0 + 1e-12, True),
        (1.0, 1.0 + 1e-6, False),
        (0.0, 1e-15, True),
        (float("nan"), float("nan"), True),
        (None, 0.0, False),
        (decimal.Decimal("1.50"), decimal.Decimal("1.5"), True),
        (decimal.Decimal("1.50"), decimal.Decimal("1.51"), False),
        (dt.date(2026, 1, 1), dt.datetime(2026, 1, 1), False),
        (1, 1, True),
        ("a", "a", True),
    ],
)
def test_values_equal(a: Any, b: Any, equal: bool) -> None:
    assert values_equal(a, b) is equal
