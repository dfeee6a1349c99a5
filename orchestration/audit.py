"""The run audit log: one row per refresh, so an auditor can say which source records, which
code and which checks produced a number in a given report.

Rows accumulate in the warehouse (``publish.refresh_audit``) and every publication carries the
whole log. Each row names the run, its schedule and cadence, the as-of date, the code (git
commit) and tool versions, the dlt load ids behind every raw table, rows in, quarantined and
published per table, the result of every data-quality check of the run, and the archived
copy of the published file that the report was read from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import duckdb

AUDIT_TABLE = "refresh_audit"
TOOLS = ("dbt-core", "dbt-duckdb", "dlt", "great-expectations", "dagster", "duckdb", "sqlglot")


@dataclass(frozen=True)
class CheckResult:
    asset: str
    check: str
    passed: bool
    severity: str


@dataclass(frozen=True)
class RefreshAudit:
    run_id: str
    job_name: str
    schedule_name: str | None
    cadence: str
    as_of_date: date
    crm_source: str
    code_version: str
    published_at: datetime
    published_file: str
    tool_versions: dict[str, str]
    load_ids: dict[str, list[str]]
    rows: dict[str, dict[str, int]]
    checks: list[CheckResult]

    @property
    def checks_failed(self) -> int:
        return sum(not c.passed for c in self.checks)


def tool_versions() -> dict[str, str]:
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {name: installed(name) for name in TOOLS}


def raw_load_ids(warehouse: duckdb.DuckDBPyConnection, raw_schema: str) -> dict[str, list[str]]:
    """The dlt load ids whose rows are in each raw table (merge loads keep several)."""
    out: dict[str, list[str]] = {}
    landed_by_dlt = {
        name
        for (name,) in warehouse.execute(
            "select table_name from information_schema.columns "
            "where table_schema = ? and column_name = '_dlt_load_id'",
            [raw_schema],
        ).fetchall()
    }
    for (table,) in _raw_tables(warehouse, raw_schema):
        if table not in landed_by_dlt:
            continue
        ids = warehouse.execute(
            f'select distinct _dlt_load_id from "{raw_schema}"."{table}" order by 1'
        ).fetchall()
        out[table] = [i for (i,) in ids]
    return out


def row_flow(
    warehouse: duckdb.DuckDBPyConnection,
    raw_schema: str,
    published: dict[str, int],
    quarantine_relation: str | None,
) -> dict[str, dict[str, int]]:
    """Rows in (raw), quarantined (by raw table) and out (published), per table."""
    flow: dict[str, dict[str, int]] = {}
    for (table,) in _raw_tables(warehouse, raw_schema):
        (rows,) = warehouse.execute(f'select count(*) from "{raw_schema}"."{table}"').fetchone()
        flow[f"{raw_schema}.{table}"] = {"rows_in": rows, "quarantined": 0}
    if quarantine_relation:
        for table, n in warehouse.execute(
            f"select raw_table, count(distinct record_key) from {quarantine_relation} group by 1"
        ).fetchall():
            flow.setdefault(f"{raw_schema}.{table}", {"rows_in": 0})["quarantined"] = n
    for name, rows in published.items():
        flow[f"published.{name}"] = {"rows_out": rows}
    return flow


def record(warehouse: duckdb.DuckDBPyConnection, schema: str, audit: RefreshAudit) -> None:
    """Insert (or, for a rerun of the same run id, replace) the audit row of one refresh."""
    warehouse.execute(f"create schema if not exists {schema}")
    warehouse.execute(
        f"""
        create table if not exists {schema}.{AUDIT_TABLE} (
            run_id varchar primary key,
            job_name varchar not null,
            schedule_name varchar,
            cadence varchar not null,
            as_of_date date not null,
            crm_source varchar not null,
            code_version varchar not null,
            published_at timestamp not null,
            published_file varchar not null,
            tool_versions varchar not null,
            load_ids varchar not null,
            row_flow varchar not null,
            checks varchar not null,
            checks_run integer not null,
            checks_failed integer not null
        )
        """
    )
    warehouse.execute(
        f"insert or replace into {schema}.{AUDIT_TABLE} values "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            audit.run_id,
            audit.job_name,
            audit.schedule_name,
            audit.cadence,
            audit.as_of_date,
            audit.crm_source,
            audit.code_version,
            audit.published_at.replace(tzinfo=None),
            audit.published_file,
            _json(audit.tool_versions),
            _json(audit.load_ids),
            _json(audit.rows),
            _json([vars(c) for c in audit.checks]),
            len(audit.checks),
            audit.checks_failed,
        ],
    )


def _raw_tables(warehouse: duckdb.DuckDBPyConnection, raw_schema: str) -> list[tuple[str]]:
    return warehouse.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "and table_name not like '\\_dlt\\_%' escape '\\' and table_type = 'BASE TABLE' "
        "order by 1",
        [raw_schema],
    ).fetchall()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
