"""Run table suites with Great Expectations on the DuckDB warehouse, SQL only.

One ephemeral GX context, one read-only SQL datasource per schema (its connection pinned to
that schema, see ``gx_duckdb``), one table asset per suite. Expectations are computed by
DuckDB; only counts and a few sample rows come back to Python. Every engine is disposed
before returning, so no connection to the warehouse outlives the checks.

Given a ``DataDocsSite``, the suites' results are also rendered as a GX Data Docs site (see
``data_docs``); a failure to build it is logged and recorded on the outcomes, never raised.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from orchestration.quality import data_docs as gx_docs
from orchestration.quality import gx_duckdb
from orchestration.quality.suites import Expect, TableSuite
from orchestration.warehouse import file_of, schema_in_file

SAMPLE_ROWS = 5
ROWS_EXPECTATION = "UnexpectedRowsExpectation"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExpectationOutcome:
    """What one expectation found: success, failing count, sample rows, or the GX error."""

    label: str
    success: bool
    unexpected_count: int | None = None
    element_count: int | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def as_metadata(self) -> dict[str, Any]:
        return {
            "expectation": self.label,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
            "element_count": self.element_count,
            "samples": _jsonable(self.samples),
            **({"error": self.error} if self.error else {}),
        }


@dataclass(frozen=True)
class SuiteOutcome:
    """The outcomes of one table suite."""

    suite: TableSuite
    outcomes: list[ExpectationOutcome]
    seconds: float
    gx_results: list[Any] = field(default_factory=list, repr=False, compare=False)
    data_docs: Path | None = None  # the suite's page in the run's Data Docs site
    data_docs_error: str | None = None  # why the site was not built

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def run_suites(
    warehouse: Path,
    suites: Sequence[TableSuite],
    docs: gx_docs.DataDocsSite | None = None,
    duckdb_config: Mapping[str, str] | None = None,
) -> list[SuiteOutcome]:
    """Validate every suite against the warehouse file, read-only, through GX's SQL route
    (DuckDB connections with ``duckdb_config``, e.g. the run's memory limit); with ``docs``,
    render the results into that Data Docs site (best effort)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_duckdb.patch_persisted_connection()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    schemas = {s.schema for s in suites}
    with _datasources(context, warehouse, schemas, duckdb_config) as datasources:
        outcomes = [_run_suite(datasources[s.schema], s) for s in suites]
    if docs is None or not outcomes:
        return outcomes
    return _with_data_docs(context, docs, outcomes)


def _with_data_docs(
    context: Any, docs: gx_docs.DataDocsSite, outcomes: list[SuiteOutcome]
) -> list[SuiteOutcome]:
    """Render the outcomes' GX results into ``docs``; on any error, log a warning and
    record it on every outcome instead of raising (the checks' verdicts stand)."""
    try:
        gx_docs.attach(context, docs)
        pages = gx_docs.build(
            context,
            docs,
            {
                o.suite.qualified_name: (
                    f"{o.suite.schema}.{o.suite.table}",
                    gx_docs.merged_result(o.suite.qualified_name, o.gx_results, SAMPLE_ROWS),
                    _gx_suite(o.suite),
                )
                for o in outcomes
            },
        )
    except Exception as error:  # docs must never fail the checks
        message = f"{type(error).__name__}: {error}"[:500]
        logger.warning("Data Docs not built in %s: %s", docs.directory, message)
        return [replace(o, data_docs_error=message) for o in outcomes]
    return [replace(o, data_docs=pages[o.suite.qualified_name]) for o in outcomes]


@contextmanager
def _datasources(
    context: Any, warehouse: Path, schemas: set[str], duckdb_config: Mapping[str, str] | None
) -> Iterator[dict[str, Any]]:
    """A read-only SQL datasource per schema; their engines are disposed on exit."""
    datasources: dict[str, Any] = {}
    try:
        for schema in sorted(schemas):
            datasource = context.data_sources.add_sql(
                name=f"warehouse_{schema}",
                connection_string=gx_duckdb.connection_string(file_of(warehouse, schema)),
                kwargs=gx_duckdb.warehouse_engine_kwargs(read_only=True, config=duckdb_config),
            )
            gx_duckdb.pin_schema(datasource.get_execution_engine().engine, schema_in_file(schema))
            datasources[schema] = datasource
        yield datasources
    finally:
        for datasource in datasources.values():
            engine = datasource.get_execution_engine()
            connection = getattr(engine, "_connection", None)
            if connection is not None:
                connection.close()
            engine.engine.dispose()
            datasource.get_engine().dispose()


def _gx_suite(suite: TableSuite) -> Any:
    """The whole table suite as one GX suite (for its Data Docs page)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name=suite.qualified_name, expectations=[e.build() for e in suite.expectations]
    )


def _run_suite(datasource: Any, suite: TableSuite) -> SuiteOutcome:
    import great_expectations as gx

    started = time.perf_counter()
    asset = datasource.add_table_asset(
        name=suite.table, table_name=suite.table, schema_name=schema_in_file(suite.schema)
    )
    batch = asset.add_batch_definition_whole_table("whole_table").get_batch()
    outcomes: list[ExpectationOutcome] = []
    gx_results: list[Any] = []
    # Column expectations report failing rows by their row id (SUMMARY keeps a few);
    # query expectations return their rows only in COMPLETE (GX fetches at most 200).
    for rows_query, result_format in (
        (
            False,
            {
                "result_format": "SUMMARY",
                "unexpected_index_column_names": list(suite.row_id),
                "partial_unexpected_count": SAMPLE_ROWS,
            },
        ),
        (True, {"result_format": "COMPLETE"}),
    ):
        chosen = [e for e in suite.expectations if (e.kind == ROWS_EXPECTATION) == rows_query]
        if not chosen:
            continue
        gx_suite = gx.ExpectationSuite(name=f"{suite.qualified_name}:{int(rows_query)}")
        for expect in chosen:
            gx_suite.add_expectation(expect.build())
        result = batch.validate(gx_suite, result_format=result_format)
        gx_results.append(result)
        for expect, validation in zip(chosen, _in_suite_order(gx_suite, result), strict=True):
            outcomes.append(_outcome(expect, validation))
    return SuiteOutcome(suite, outcomes, time.perf_counter() - started, gx_results)


def _in_suite_order(gx_suite: Any, result: Any) -> list[Any]:
    """Validation results in the order the expectations were added (GX may reorder them,
    and expectations of an unsaved suite have no id): matched by type and
    arguments (GX adds e.g. ``batch_id`` to the result's copy)."""
    remaining = list(result.results)
    ordered = []
    for expectation in gx_suite.expectations:
        config = expectation.configuration
        match = next(
            r
            for r in remaining
            if r.expectation_config.type == config.type
            and all(r.expectation_config.kwargs.get(k) == v for k, v in config.kwargs.items())
        )
        remaining.remove(match)
        ordered.append(match)
    return ordered


def _outcome(expect: Expect, validation: Any) -> ExpectationOutcome:
    result: dict[str, Any] = dict(validation.result or {})
    info = validation.exception_info or {}
    errors = (
        [info["exception_message"]]
        if info.get("raised_exception")
        else [
            v["exception_message"]
            for v in info.values()
            if isinstance(v, dict) and v.get("raised_exception")
        ]
    )
    if expect.kind == ROWS_EXPECTATION:
        unexpected = result.get("observed_value")
        samples = list(result.get("details", {}).get("unexpected_rows", []))[:SAMPLE_ROWS]
    else:
        unexpected = result.get("unexpected_count")
        samples = list(result.get("partial_unexpected_index_list") or [])[:SAMPLE_ROWS]
        if not samples:
            samples = [{"value": v} for v in result.get("partial_unexpected_list") or []]
    return ExpectationOutcome(
        label=expect.label,
        success=bool(validation.success) and not errors,
        unexpected_count=unexpected,
        element_count=result.get("element_count"),
        samples=samples[:SAMPLE_ROWS],
        error="; ".join(errors)[:500] or None,
    )


def _jsonable(value: Any) -> Any:
    """Dates, decimals and tuples as JSON-friendly values for Dagster metadata."""
    return json.loads(json.dumps(value, default=str))
