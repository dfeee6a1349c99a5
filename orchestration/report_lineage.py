"""Column lineage of the report pages' queries, down to the published tables (and, chained
with the published tables' own lineage, to the raw CRM fields).

Each named query of a page becomes a pseudo-model ``reports.<page>:<query>`` whose SQL is
the query with its ``${other_query}`` references inlined and its ``${params.x}`` /
``${inputs.x.value}`` placeholders replaced by the literal 0 (a placeholder is a value, never a
column, so it cannot change the lineage). Evidence's ``salespulse.<file>`` source tables are
the published tables (each source file is ``select * from <table>``), i.e. ``marts.<table>``.
The same ``ProjectLineage`` that traces the dbt models traces these queries, so report edges
have the same shape (value and filter edges, with the SQL at each hop).

>>> resolve_query({"a": "select 1 as x", "b": "select x from ${a} where x = ${params.rep}"}, "b")
'select x from (\\nselect 1 as x\\n) where x = 0'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from orchestration.lineage import DIALECT, Edge, ProjectLineage, Schema, cached_edges
from orchestration.reports_check import REFERENCE, Page, _classify, _strip, load_pages
from orchestration.warehouse import MARTS_CATALOG, MARTS_SCHEMA

REPORT_SCHEMA = "reports"
EVIDENCE_SOURCE = "salespulse"
PUBLISHED_SCHEMA = "marts"
CATALOG = "published"


def resolve_query(
    queries: Mapping[str, str], name: str, _seen: frozenset[str] = frozenset()
) -> str:
    """``name``'s SQL with ``${query}`` inlined and ``${params.*}``/``${inputs.*}`` literal."""
    if name in _seen:
        raise ValueError(f"query {name!r} references itself")

    def substitute(match: re.Match[str]) -> str:
        kind, target = _classify(match["expr"])
        if kind == "query" and target in queries:
            return f"(\n{_strip(resolve_query(queries, target, _seen | {name}))}\n)"
        return "0"  # inside quotes or not, a literal

    return REFERENCE.sub(substitute, queries[name])


def report_node_name(page: Page, query: str) -> str:
    return f"{page.rel.removesuffix('.md')}:{query}"


def report_lineage(
    pages: Sequence[Page], published_columns: Mapping[str, Sequence[str]]
) -> list[Edge]:
    """Edges from every column of every page query to the published tables' columns.

    ``published_columns``: published table name -> its columns (marts only).
    """
    schema: Schema = {
        CATALOG: {
            PUBLISHED_SCHEMA: {
                table: dict.fromkeys(columns, "VARCHAR")
                for table, columns in published_columns.items()
            },
            REPORT_SCHEMA: {},
        }
    }
    nodes: dict[str, dict[str, Any]] = {}
    for page in pages:
        queries = {q.name: q.sql for q in page.queries}
        for name in queries:
            try:
                sql = _point_at_published(resolve_query(queries, name))
                columns = _output_columns(sql, schema)
            except (ValueError, sqlglot.errors.SqlglotError):
                continue  # `salespulse reports check` reports broken queries
            node_name = report_node_name(page, name)
            schema[CATALOG][REPORT_SCHEMA][node_name] = dict.fromkeys(columns, "VARCHAR")
            nodes[f"report.{node_name}"] = {
                "resource_type": "model",
                "name": node_name,
                "schema": REPORT_SCHEMA,
                "alias": node_name,
                "compiled_code": sql,
            }
    manifest = {"nodes": nodes, "sources": {}}
    tables = [f"{REPORT_SCHEMA}.{node['name']}" for node in nodes.values()]
    return ProjectLineage(manifest, schema).trace_tables(tables)


def cached_report_lineage(con: Any, cache_path: Path) -> list[Edge]:
    """Report edges for the repository's pages, recomputed only when a page or a mart's
    columns change."""
    pages = load_pages()
    columns = _published_columns(con)
    key = hashlib.sha256(
        json.dumps([[p.rel, p.path.read_text()] for p in pages] + sorted(columns.items())).encode()
    ).hexdigest()
    return cached_edges(cache_path, key, lambda: report_lineage(pages, columns))


def _published_columns(con: Any) -> dict[str, list[str]]:
    """Published table -> its columns: the marts, plus the publication tables."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [MARTS_CATALOG, MARTS_SCHEMA],
    ).fetchall():
        columns.setdefault(table, []).append(column)
    for table in ("publication", "publication_log"):
        columns.setdefault(
            table, ["run_id", "as_of_date", "cadence", "code_version", "published_at", "tables"]
        )
    return columns


def _point_at_published(sql: str) -> str:
    """``salespulse.<t>`` (Evidence's source) -> ``published.marts.<t>``."""
    tree = sqlglot.parse_one(sql, dialect=DIALECT)
    for table in tree.find_all(exp.Table):
        if table.db == EVIDENCE_SOURCE:
            table.set("db", exp.to_identifier(PUBLISHED_SCHEMA))
            table.set("catalog", exp.to_identifier(CATALOG))
    return tree.sql(DIALECT)


def _output_columns(sql: str, schema: Schema) -> list[str]:
    from sqlglot.optimizer.qualify import qualify

    tree = qualify(
        sqlglot.parse_one(sql, dialect=DIALECT),
        schema=schema,
        dialect=DIALECT,
        validate_qualify_columns=False,
    )
    return [select.alias_or_name for select in tree.selects]
