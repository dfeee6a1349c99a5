"""The dbt project must stay portable to Spark, Trino, Snowflake and BigQuery.

Models may use only functions and syntax that exist on all four engines; anything engine-
specific lives in a macro that dispatches per adapter (dbt's cross-database macros, or
``adapter.dispatch`` in dbt_project/macros/*.sql). We have no adapters for those engines here,
so the project is compiled for DuckDB (twice: default vars, and a non-UTC reporting zone with
a shifted fiscal year so the dispatching branches are emitted too), every compiled model is
parsed with sqlglot and transpiled to the four engines, and its syntax tree is checked
against explicit allow-lists. sqlglot passes functions it does not know through unchanged
(``exp.Anonymous``), so a clean transpile alone proves nothing: the allow-lists do.

The DuckDB spelling of a dispatched macro (``DISPATCHED_ON_DUCKDB``) is accepted in compiled
SQL because the other engines get their own variant; to keep that loophole closed, the same
functions must not be written by hand in a model's source (``HAND_WRITTEN_PATTERNS``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

from orchestration.settings import DBT_PROJECT_DIR

TARGET_DIALECTS = ("spark", "trino", "snowflake", "bigquery")
ALL_DIALECTS = ", ".join(TARGET_DIALECTS)
AS_OF_DATE = "2026-11-15"

# Compile variants: (label, extra vars, dbt selection). The second one makes
# salespulse.local_date and salespulse.period_start emit their dispatched (time zone) and
# shifted (fiscal) forms; the others compile each CRM source's own staging models.
COMPILE_VARIANTS: tuple[tuple[str, dict[str, object], str | None], ...] = (
    ("default vars", {}, None),
    (
        "Europe/Berlin, fiscal year from Feb",
        {
            "reporting_timezone": "Europe/Berlin",
            "fiscal_year_start_month": 2,
        },
        None,
    ),
    *(
        (f"crm_source {source}", {"crm_source": source}, f"staging.{source} staging.crm")
        for source in ("files", "hubspot", "pipedrive", "salesforce")
    ),
)

# Functions (sqlglot classes) that exist, with the same meaning, on DuckDB, Spark, Trino,
# Snowflake and BigQuery: ANSI aggregates, window functions, conditionals, casts and basic
# math/string functions. sqlglot transpiles the spelling where it differs (e.g. Concat gets
# DuckDB's null-skipping via coalesce, POW/POWER). Add a class only after checking all four.
PORTABLE_FUNCTIONS: frozenset[type[exp.Expression]] = frozenset(
    {
        # boolean connectors are exp.Func subclasses in sqlglot
        exp.And,
        exp.Or,
        # aggregates
        exp.Count,
        exp.Sum,
        exp.Min,
        exp.Max,
        exp.Avg,
        exp.Stddev,
        exp.StddevSamp,
        exp.StddevPop,
        exp.Variance,
        exp.VariancePop,
        exp.Corr,
        # window functions
        exp.RowNumber,
        exp.Rank,
        exp.DenseRank,
        exp.Lead,
        exp.Lag,
        exp.FirstValue,
        exp.LastValue,
        # conditionals and casts (exp.If is also each WHEN branch of a CASE)
        exp.Case,
        exp.If,
        exp.Coalesce,
        exp.Nullif,
        exp.Greatest,
        exp.Least,
        exp.Cast,
        # math
        exp.Round,
        exp.Abs,
        exp.Floor,
        exp.Ceil,
        exp.Sqrt,
        exp.Ln,
        exp.Exp,
        exp.Pow,
        exp.Sign,
        # strings
        exp.Trim,
        exp.Upper,
        exp.Lower,
        exp.Length,
        exp.Concat,
        exp.Substring,
        exp.Replace,
    }
)

# What dispatched macros emit on DuckDB. Legitimate only as macro output: every other engine
# gets the macro's own variant. Class or lower-case function name -> the dispatching macro.
DISPATCHED_ON_DUCKDB: dict[type[exp.Expression] | str, str] = {
    exp.DateDiff: "dbt.datediff (duckdb__datediff: date_diff; salespulse.days_between)",
    exp.DateTrunc: "dbt.date_trunc (default__date_trunc; salespulse.period_start)",
    exp.TimestampTrunc: "dbt.date_trunc (default__date_trunc; salespulse.period_start)",
    exp.Interval: "dbt.dateadd (duckdb__dateadd: + interval) and dbt.date_spine",
    exp.GenerateSeries: "dbt.generate_series (duckdb__generate_series, via dbt.date_spine)",
    exp.PercentileCont: "salespulse.percentile_cont (duckdb__percentile_cont: quantile_cont)",
    "timezone": "salespulse.local_date / utc_start_of_local_day (duckdb__ variants)",
    exp.GroupConcat: "dbt.listagg (duckdb__listagg: string_agg; salespulse.ordered_text_agg)",
    exp.MD5: "dbt.hash (default__hash: md5; salespulse.deal_spell_fingerprints)",
    exp.BitwiseXorAgg: "salespulse.group_fingerprint (duckdb__group_fingerprint: bit_xor)",
    "hash": "salespulse.group_fingerprint (duckdb__group_fingerprint: hash)",
    exp.UnixToTime: "salespulse.utc_timestamp (duckdb__utc_timestamp: make_timestamp)",
    "epoch_us": "salespulse.utc_timestamp (duckdb__utc_timestamp: epoch_us)",
}

# The DuckDB spellings of the functions above, which a model must never write by hand.
HAND_WRITTEN_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "date_diff/datediff": r"\bdate_?diff\s*\(",
        "date_trunc": r"\bdate_trunc\s*\(",
        "date_add/dateadd/date_sub": r"\bdate_?(add|sub)\s*\(",
        "interval": r"\binterval\b",
        "generate_series/range": r"\b(generate_series|range)\s*\(",
        "quantile/percentile/median": r"\b(quantile\w*|percentile\w*|median)\s*\(",
        "timezone": r"\b(timezone|convert_timezone|from_utc_timestamp|to_utc_timestamp)\s*\(",
        "string_agg/listagg/group_concat": r"\b(string_agg|listagg|group_concat)\s*\(",
        "md5/sha": r"\b(md5|sha\d*)\s*\(",
        "hash/bit_xor (not dbt.hash)": r"(?<![.\w])(hash|bit_xor)\s*\(",
        "epoch/make_timestamp": r"\b(epoch\w*|make_timestamp\w*)\s*\(",
    }.items()
}

# Cast target types that exist on all four engines (dbt.type_* macros dispatch the spelling).
PORTABLE_TYPES: frozenset[exp.DataType.Type] = frozenset(
    {
        exp.DataType.Type.BOOLEAN,
        exp.DataType.Type.INT,
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.SMALLINT,
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.DOUBLE,
        exp.DataType.Type.FLOAT,
        exp.DataType.Type.TEXT,
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.DATE,
        exp.DataType.Type.TIMESTAMP,
        # DuckDB's TIMESTAMP is naive: Spark TIMESTAMP_NTZ, Trino TIMESTAMP, Snowflake
        # TIMESTAMP_NTZ, BigQuery DATETIME (sqlglot and dbt.type_timestamp() spell it per engine)
        exp.DataType.Type.TIMESTAMPNTZ,
    }
)


@dataclass(frozen=True)
class CompiledModel:
    """One model's compiled SQL (for one compile variant) and its source."""

    name: str
    variant: str
    compiled_sql: str | None
    raw_sql: str


# ---------------------------------------------------------------------------- the checker


def _syntax_problem(node: exp.Expression) -> str | None:
    """A DuckDB-only syntax construct at ``node`` (and the engines lacking it), or None."""
    if isinstance(node, exp.Qualify):
        return "QUALIFY (not on Spark, Trino)"
    if isinstance(node, exp.Star) and any(
        node.args.get(k) for k in ("except_", "replace", "rename")
    ):
        return "SELECT * EXCLUDE/REPLACE/RENAME (not on Spark, Trino)"
    if isinstance(node, exp.Group) and node.args.get("all"):
        return "GROUP BY ALL (not on Trino)"
    if (
        isinstance(node, exp.Ordered)
        and isinstance(node.this, exp.Var)
        and (node.this.name.upper() == "ALL")
    ):
        return "ORDER BY ALL (not on Spark, Trino, BigQuery)"
    if isinstance(node, exp.Filter):
        return "aggregate FILTER (WHERE ...) (not on Snowflake, BigQuery)"
    if isinstance(node, exp.Distinct) and node.args.get("on"):
        return "DISTINCT ON (not on Spark, Trino, Snowflake, BigQuery)"
    if isinstance(node, exp.Join) and (
        node.text("method").upper() in {"ASOF", "POSITIONAL"}
        or node.text("kind").upper() in {"SEMI", "ANTI"}
    ):
        join = node.text("method") or node.text("kind")
        return f"{join} JOIN (not on Trino, Snowflake, BigQuery)"
    if isinstance(node, exp.Union) and node.args.get("by_name"):
        return "UNION BY NAME (not on Spark, Trino)"
    if isinstance(node, exp.DataType) and node.this not in PORTABLE_TYPES:
        return f"type {node.sql('duckdb')} (not verified on {ALL_DIALECTS})"
    for kind, label in (
        (exp.Struct, "struct literal"),
        (exp.Array, "list literal/list_value"),
        (exp.Bracket, "list/struct indexing"),
        (exp.Lambda, "lambda"),
        (exp.ILike, "ILIKE (not on Trino, BigQuery)"),
        (exp.IntDiv, "integer division //"),
        (exp.Unnest, "UNNEST"),
        (exp.Pivot, "PIVOT/UNPIVOT"),
        (exp.TableSample, "USING SAMPLE"),
        (exp.Columns, "COLUMNS(...)"),
    ):
        if isinstance(node, kind):
            return f"{label} (DuckDB syntax, spelled differently or missing on {ALL_DIALECTS})"
    return None


def _function_problem(node: exp.Expression) -> str | None:
    """Why the function call at ``node`` is not portable, or None if it is."""
    if isinstance(node, exp.Anonymous):
        if node.name.lower() in DISPATCHED_ON_DUCKDB:
            return None
        return (
            f"unknown function {node.name}() (sqlglot passes it through unchecked)"
            f" would reach {ALL_DIALECTS} as is"
        )
    if not isinstance(node, exp.Func | exp.Interval):
        return None
    if type(node) in PORTABLE_FUNCTIONS or type(node) in DISPATCHED_ON_DUCKDB:
        return None
    return (
        f"function {node.sql_name()} (exp.{type(node).__name__}) is not on the allow-list"
        f" of functions known on {ALL_DIALECTS}"
    )


def tree_problems(sql: str) -> list[str]:
    """Functions and syntax in ``sql`` (DuckDB) that are not known to exist everywhere."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except ParseError as error:
        return [f"does not parse as DuckDB SQL: {error}"]
    problems: list[str] = []
    for node in tree.walk():
        problem = _syntax_problem(node) or _function_problem(node)
        if problem:
            problems.append(problem)
    return problems


def transpile_problems(sql: str) -> list[str]:
    """One line per target dialect that sqlglot cannot generate ``sql`` for."""
    problems: list[str] = []
    for dialect in TARGET_DIALECTS:
        try:
            sqlglot.transpile(sql, read="duckdb", write=dialect, unsupported_level=ErrorLevel.RAISE)
        except (ParseError, UnsupportedError) as error:
            message = " ".join(str(error).split())
            problems.append(f"cannot be transpiled to {dialect}: {message}")
    return problems


def strip_jinja_and_comments(source: str) -> str:
    """A model's source without Jinja tags and SQL comments (what is written by hand)."""
    for pattern in (r"\{#.*?#\}", r"\{\{.*?\}\}", r"\{%.*?%\}", r"/\*.*?\*/", r"--[^\n]*"):
        source = re.sub(pattern, " ", source, flags=re.DOTALL)
    return source


def hand_written_problems(raw_sql: str) -> list[str]:
    """Dispatched-only DuckDB functions written directly in a model's source."""
    text = strip_jinja_and_comments(raw_sql)
    return [
        f"{name} written by hand: use the cross-database/dispatched macro"
        for name, pattern in HAND_WRITTEN_PATTERNS.items()
        if pattern.search(text)
    ]


def sql_problems(sql: str, raw_sql: str | None = None) -> list[str]:
    """Every portability problem of one compiled query (and of its source, if given)."""
    problems = tree_problems(sql) + transpile_problems(sql)
    if raw_sql is not None:
        problems += hand_written_problems(raw_sql)
    return list(dict.fromkeys(problems))


def project_problems(models: list[CompiledModel]) -> list[str]:
    """All problems of all models, one line each, naming the model and compile variant."""
    variants_by_line: dict[str, list[str]] = {}
    for model in models:
        for problem in sql_problems(model.compiled_sql, model.raw_sql):
            line = f"{model.name}: {problem}"
            variants_by_line.setdefault(line, []).append(model.variant)
    return [f"{line} [{', '.join(v)}]" for line, v in sorted(variants_by_line.items())]


# ---------------------------------------------------------------------------- compiling


def _compile_command(
    target_path: Path, extra_vars: dict[str, object], select: str | None
) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    dbt_vars = json.dumps({"as_of_date": AS_OF_DATE, **extra_vars})
    selection = ["--select", *select.split()] if select else []
    return [
        str(dbt),
        "compile",
        "--quiet",
        "--target-path",
        str(target_path),
        "--vars",
        dbt_vars,
        *selection,
    ]


def _compile_env(workdir: Path) -> dict[str, str]:
    """An empty warehouse (for dbt's introspective queries) and logs outside the project."""
    return {
        **os.environ,
        "SALESPULSE_WAREHOUSE": str(workdir / "empty.duckdb"),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _models_of(manifest_path: Path, variant: str) -> Iterator[CompiledModel]:
    manifest = json.loads(manifest_path.read_text())
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node.get("language", "sql") == "sql":
            yield CompiledModel(node["name"], variant, node.get("compiled_code"), node["raw_code"])


@pytest.fixture(scope="module")
def compiled_models(tmp_path_factory: pytest.TempPathFactory) -> list[CompiledModel]:
    """Every model compiled with each variant's vars (the compiles run in parallel)."""
    runs = []
    for index, (variant, extra_vars, select) in enumerate(COMPILE_VARIANTS):
        workdir = tmp_path_factory.mktemp(f"compile{index}")
        process = subprocess.Popen(
            _compile_command(workdir / "target", extra_vars, select),
            cwd=DBT_PROJECT_DIR,
            env=_compile_env(workdir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        runs.append((variant, workdir, process))
    models: list[CompiledModel] = []
    for variant, workdir, process in runs:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, f"dbt compile ({variant}) failed:\n{output}"
        models.extend(
            model
            for model in _models_of(workdir / "target" / "manifest.json", variant)
            if model.compiled_sql is not None
        )
    return models


# ---------------------------------------------------------------------------- tests


def test_every_model_compiles_to_portable_sql(compiled_models: list[CompiledModel]) -> None:
    names = {model.name for model in compiled_models}
    assert {"int_calendar", "deals", "rep_performance"} <= names, "models missing"
    problems = project_problems(compiled_models)
    assert not problems, (
        f"{len(problems)} portability problem(s) in the compiled models:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "sql",
    [
        "select arg_max(a, b) from t",
        "select list_value(1)",
        "select some_duckdb_only_function(a) from t",
        "select [1, 2] as xs",
        "select {'a': 1} as s",
        "select x[1] from t",
        "select list_transform(x, y -> y + 1) from t",
        "select a from t qualify row_number() over (order by a) = 1",
        "select * exclude (a) from t",
        "select a, count(*) from t group by all",
        "select count(*) filter (where a > 1) from t",
        "select distinct on (a) a, b from t",
        "select a ilike 'x%' from t",
        "select a // 2 from t",
        "select cast(a as hugeint) from t",
        "select strftime(a, '%Y') from t",
        "select * from t asof join u on t.a >= u.a",
    ],
)
def test_checker_rejects_duckdb_only_sql(sql: str) -> None:
    assert sql_problems(sql), f"the checker accepted DuckDB-only SQL: {sql}"


def test_checker_reports_every_problem_with_its_dialect() -> None:
    sql = "select arg_max(a, b), list_value(1), count(*) over (order by a rows 1 preceding) from t"
    problems = sql_problems(sql)
    text = "\n".join(problems)
    assert "ArgMax" in text and "list_value" in text, text
    assert "cannot be transpiled to bigquery" in text, text
    assert all(dialect in text for dialect in TARGET_DIALECTS), text


def test_checker_rejects_dispatched_functions_written_by_hand() -> None:
    source = "select date_diff('day', a, b), d + interval 1 day from {{ ref('t') }}"
    problems = hand_written_problems(source)
    assert len(problems) == 2, problems
    assert not hand_written_problems("select {{ dbt.datediff('a', 'b', 'day') }} -- date_trunc(")


def test_checker_accepts_portable_sql() -> None:
    sql = """
        select b, coalesce(sum(a), 0) as total, round(avg(a), 2) as mean,
               row_number() over (partition by b order by c) as rn,
               cast(nullif(max(c), 0) as double) as m,
               case when count(*) > 1 then 'many' else 'one' end as n
        from t group by b
    """
    assert sql_problems(sql) == []
