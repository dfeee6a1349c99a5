"""Column-level lineage: from every published column down to the raw CRM fields.

The dbt run's manifest holds each model's compiled SQL; sqlglot's ``lineage`` follows a column
through the model's CTEs to the columns of the relations it reads (one *hop*), and the hops
chain model to model down to the dbt sources (the raw tables dlt landed). Besides the columns
that make a value (``kind = 'value'``), every hop records the columns that decide *which rows*
count: those in WHERE, JOIN ... ON, HAVING and QUALIFY (``kind = 'filter'``, on column
``*`` of the model): a win rate depends on the stage column that says "won" even though it
never appears in the division.

Edges are computed only for what the published columns reach, memoized per (model, column),
and cached on disk by a fingerprint of the project's code (node checksums), since lineage
depends on the SQL, not on the data or the as-of date.

>>> edges = [
...     Edge("marts.t", "x", "intermediate.i", "y", "value", "sum(y)"),
...     Edge("intermediate.i", "y", "raw_demo_crm.r", "amount", "value", "amount"),
...     Edge("intermediate.i", "*", "raw_demo_crm.r", "is_deleted", "filter", "not is_deleted"),
... ]
>>> [(e.upstream_table, e.upstream_column, depth) for depth, e in trace(edges, "marts.t", "x")]
[('intermediate.i', 'y', 0), ('raw_demo_crm.r', 'amount', 1), ('raw_demo_crm.r', 'is_deleted', 1)]
>>> sorted(raw_fields(edges, "marts.t", "x"))
['raw_demo_crm.r.amount', 'raw_demo_crm.r.is_deleted']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.lineage import Node, lineage
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, build_scope
from sqlglot.schema import MappingSchema

from orchestration.warehouse import relation_name, relation_parts

DIALECT = "duckdb"
ROWS = "*"
"""The column name of a model's filter edges: they decide its rows, so every column."""
RAW_SCHEMA_PREFIX = "raw_"
_LINEAGE_OPTIONS: dict[str, Any] = {"dialect": DIALECT, "copy": False, "trim_selects": False}
"""sqlglot ``lineage`` options: no copies (``trim_selects`` would copy a whole SELECT for
every node, to label it with the traced column alone; only the node's expression is read)."""


@dataclass(frozen=True)
class Edge:
    """One hop: ``table.column`` depends on ``upstream_table.upstream_column``."""

    table: str
    column: str
    upstream_table: str
    upstream_column: str
    kind: str  # 'value' or 'filter'
    expression: str


Schema = dict[str, dict[str, dict[str, dict[str, str]]]]


class ProjectLineage:
    """Lineage over one dbt run: its manifest (with compiled SQL) and the warehouse schema."""

    def __init__(self, manifest: Mapping[str, Any], schema: Schema) -> None:
        self.schema = schema
        # normalized once: sqlglot would normalize a plain dict again on every call
        self.mapping = MappingSchema(schema, dialect=DIALECT)
        self.models: dict[str, Mapping[str, Any]] = {}
        self.known: set[str] = set()
        for node in [*manifest["nodes"].values(), *manifest["sources"].values()]:
            if node["resource_type"] not in ("model", "source"):
                continue
            name = relation_name(
                node.get("database"),
                node["schema"],
                node.get("alias") or node.get("identifier") or node["name"],
            )
            self.known.add(name)
            if node["resource_type"] == "model" and node.get("compiled_code"):
                self.models[name] = node
        self._parsed: dict[str, tuple[exp.Expression, Scope]] = {}
        self._done: set[tuple[str, str]] = set()
        self._filtered: set[str] = set()
        self.edges: list[Edge] = []

    # -- public -----------------------------------------------------------------------------

    def trace_tables(self, tables: Sequence[str]) -> list[Edge]:
        """Edges reached from every column of ``tables`` (``schema.name``), down to raw."""
        for table in tables:
            for column in self._columns(table):
                self._trace(table, column)
        return self.edges

    # -- internals --------------------------------------------------------------------------

    def _columns(self, table: str) -> list[str]:
        in_catalog, schema, name = relation_parts(table)
        for catalog_name, catalog in self.schema.items():
            if in_catalog not in (None, catalog_name):
                continue
            if name in catalog.get(schema, {}):
                return list(catalog[schema][name])
        return []

    def _model_sql(self, table: str) -> tuple[exp.Expression, Scope]:
        if table not in self._parsed:
            node = self.models[table]
            parsed = sqlglot.parse_one(node["compiled_code"], dialect=DIALECT)
            qualified = qualify(
                parsed, schema=self.mapping, dialect=DIALECT, validate_qualify_columns=False
            )
            scope = build_scope(qualified)
            assert scope is not None, f"{table}: no select to trace"
            self._parsed[table] = (qualified, scope)
        return self._parsed[table]

    def _trace(self, table: str, column: str) -> None:
        if (table, column) in self._done or table not in self.models:
            return
        self._done.add((table, column))
        expression, scope = self._model_sql(table)
        try:
            root = lineage(column, expression, self.mapping, **_LINEAGE_OPTIONS, scope=scope)
        except sqlglot.errors.SqlglotError:
            return
        for upstream_table, upstream_column, path in self._leaves(root):
            self._add(Edge(table, column, upstream_table, upstream_column, "value", path))
        self._trace_filters(table)

    def _trace_filters(self, table: str) -> None:
        if table in self._filtered:
            return
        self._filtered.add(table)
        _, root_scope = self._model_sql(table)
        for scope in root_scope.traverse():
            for condition in _conditions(scope.expression):
                for column in condition.find_all(exp.Column):
                    for upstream in self._resolve(scope, column):
                        self._add(
                            Edge(
                                table,
                                ROWS,
                                upstream[0],
                                upstream[1],
                                "filter",
                                condition.sql(DIALECT),
                            )
                        )

    def _resolve(self, scope: Scope, column: exp.Column) -> list[tuple[str, str]]:
        """The physical (relation, column) pairs a column in ``scope`` stands for."""
        source = scope.sources.get(column.table)
        if isinstance(source, exp.Table):
            return [(_table_name(source), column.name)]
        if isinstance(source, Scope) and isinstance(
            source.expression, exp.Select | exp.SetOperation
        ):
            try:
                node = lineage(
                    column.name, source.expression, self.mapping, **_LINEAGE_OPTIONS, scope=source
                )
            except sqlglot.errors.SqlglotError:
                return []
            return [(t, c) for t, c, _ in self._leaves(node)]
        return []

    def _leaves(self, root: Node) -> Iterator[tuple[str, str, str]]:
        """(relation, column, expression path) for each physical column ``root`` reads."""
        stack: list[tuple[Node, tuple[str, ...]]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node.source, exp.Table) and not node.downstream:
                relation = _table_name(node.source)
                yield relation, node.name.split(".")[-1].strip('"'), " <- ".join(path)
                continue
            step = _projection_sql(node.expression)
            next_path = (*path, step) if step and (not path or path[-1] != step) else path
            stack.extend((child, next_path) for child in node.downstream)

    def _add(self, edge: Edge) -> None:
        self.edges.append(edge)
        if edge.upstream_column != ROWS and edge.upstream_table in self.models:
            self._trace(edge.upstream_table, edge.upstream_column)
        elif edge.upstream_table in self.models:
            self._trace_filters(edge.upstream_table)


def _conditions(select: exp.Expression) -> Iterator[exp.Expression]:
    if not isinstance(select, exp.Select):
        return
    for key in ("where", "having", "qualify"):
        clause = select.args.get(key)
        if clause is not None:
            yield clause.this
    for join in select.args.get("joins") or []:
        if join.args.get("on") is not None:
            yield join.args["on"]


def _table_name(table: exp.Table) -> str:
    return relation_name(table.catalog, table.db, table.name)


def _projection_sql(expression: exp.Expression) -> str:
    """The SQL of a projection, or '' for a plain pass-through (``x AS x``)."""
    inner = expression.this if isinstance(expression, exp.Alias) else expression
    if isinstance(inner, exp.Column):
        return ""
    if isinstance(expression, exp.Table):
        return ""
    return inner.sql(DIALECT)


# -- trace over edges (CLI, tests) --------------------------------------------------------


def trace(edges: Sequence[Edge], table: str, column: str) -> list[tuple[int, Edge]]:
    """Depth-first hops from ``table.column`` to raw fields, with each hop's depth."""
    by_target: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        by_target.setdefault((edge.table, edge.column), []).append(edge)
    out: list[tuple[int, Edge]] = []
    seen: set[tuple[str, str, str, str]] = set()

    def visit(t: str, c: str, depth: int) -> None:
        hops = by_target.get((t, c), []) + by_target.get((t, ROWS), [])
        for edge in sorted(
            hops, key=lambda e: (e.kind != "value", e.upstream_table, e.upstream_column)
        ):
            key = (edge.table, edge.column, edge.upstream_table, edge.upstream_column)
            if key in seen:
                continue
            seen.add(key)
            out.append((depth, edge))
            visit(edge.upstream_table, edge.upstream_column, depth + 1)

    visit(table, column, 0)
    return out


def raw_fields(edges: Sequence[Edge], table: str, column: str) -> set[str]:
    """The raw CRM fields (``raw_<source>.table.column``) ``table.column`` depends on."""
    return {
        f"{edge.upstream_table}.{edge.upstream_column}"
        for _, edge in trace(edges, table, column)
        if edge.upstream_table.split(".")[0].startswith(RAW_SCHEMA_PREFIX)
    }


# -- computing for a run, with a cache ------------------------------------------------------


def code_fingerprint(manifest: Mapping[str, Any]) -> str:
    """Changes when any model's or source's code changes (not with the as-of date)."""
    parts = sorted(
        f"{uid}:{node.get('checksum', {}).get('checksum', '')}"
        for uid, node in [*manifest["nodes"].items(), *manifest["sources"].items()]
        if node["resource_type"] in ("model", "source")
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def warehouse_schema(con: Any) -> Schema:
    """catalog -> schema -> table -> column -> type, read from a DuckDB connection."""
    schema: Schema = {}
    for catalog, db, table, column, data_type in con.execute(
        "select table_catalog, table_schema, table_name, column_name, data_type "
        "from information_schema.columns order by table_catalog, table_schema, table_name, "
        "ordinal_position"
    ).fetchall():
        schema.setdefault(catalog, {}).setdefault(db, {}).setdefault(table, {})[column] = data_type
    return schema


LINEAGE_TABLE = "lineage_edges"


def write_edges(con: Any, schema: str, edges: Sequence[Edge]) -> None:
    """Replace ``schema.lineage_edges`` with ``edges`` (one row per hop)."""
    import pyarrow as pa

    columns = list(Edge.__dataclass_fields__)
    table = pa.table({c: pa.array([getattr(e, c) for e in edges], pa.string()) for c in columns})
    con.register("lineage_edges_arrow", table)
    try:
        con.execute(f"create schema if not exists {schema}")
        con.execute(
            f"create or replace table {schema}.{LINEAGE_TABLE} as select * from lineage_edges_arrow"
        )
    finally:
        con.unregister("lineage_edges_arrow")


def read_edges(con: Any, relation: str = LINEAGE_TABLE) -> list[Edge]:
    columns = ", ".join(f'"{c}"' for c in Edge.__dataclass_fields__)
    return [Edge(*row) for row in con.execute(f"select {columns} from {relation}").fetchall()]


def published_lineage(
    manifest: Mapping[str, Any], con: Any, tables: Sequence[str], cache_path: Path
) -> list[Edge]:
    """Edges for every column of ``tables``; reuses ``cache_path`` when the code is unchanged."""
    key = code_fingerprint(manifest) + ":" + ",".join(sorted(tables))
    return cached_edges(
        cache_path,
        key,
        lambda: ProjectLineage(manifest, warehouse_schema(con)).trace_tables(tables),
    )


def cached_edges(cache_path: Path, key: str, compute: Callable[[], list[Edge]]) -> list[Edge]:
    """The edges cached at ``cache_path`` under ``key``, else ``compute()``'s (then cached)."""
    edges = load_cached_edges(cache_path, key)
    if edges is None:
        edges = sorted(set(compute()), key=lambda e: tuple(asdict(e).values()))
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps({"key": key, "edges": [asdict(e) for e in edges]}))
    return edges


def load_cached_edges(cache_path: Path, key: str | None = None) -> list[Edge] | None:
    """The cached edges (under ``key``, when given), or None."""
    if not cache_path.exists():
        return None
    cached = json.loads(cache_path.read_text())
    if key is not None and cached.get("key") != key:
        return None
    return [Edge(**edge) for edge in cached["edges"]]
