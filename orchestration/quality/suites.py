"""The expectation suites, declared as data: one ``TableSuite`` per checked table.

A suite names its layer, the warehouse table, the Dagster asset it checks, the columns that
identify a row (shown in failure samples) and its expectations. Each expectation is the
name of a Great Expectations 1.x expectation class and its keyword arguments; the helpers
below only spell the common ones shortly. Every suite runs as one ERROR-severity, blocking
asset check (``gx_<layer>_suite``); ``track_volume`` adds a WARN-severity ``row_volume``
check against the previous run. To add an expectation, append it to the table's tuple
(see docs/data-quality.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import dagster as dg

CANONICAL_RAW_SOURCES = ("demo_crm", "files")
"""Sources that land the canonical raw tables, so the raw suites below apply to them. The API
connectors land their vendor's shape; their dbt staging tests guard that layer instead."""
ACCEPTED_CURRENCIES = ("USD", "EUR", "GBP")
DEAL_STATUSES = ("open", "won", "lost")

LAYER_SCHEMAS = {
    "staging": "staging",
    "canonical": "intermediate",
    "marts": "marts",
}


@dataclass(frozen=True)
class Expect:
    """One expectation: a GX expectation class name and its arguments."""

    kind: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def build(self) -> Any:
        """The GX expectation object (GX is imported only when checks run)."""
        import great_expectations.expectations as gxe

        return getattr(gxe, self.kind)(**self.kwargs)

    @property
    def label(self) -> str:
        """A short, stable name for metadata, e.g. ``ExpectColumnValuesToNotBeNull(deal_id)``."""
        if "description" in self.kwargs:
            return f"{self.kind}({self.kwargs['description']})"
        args = ", ".join(
            str(value) if key in {"column", "column_A", "column_B"} else f"{key}={value}"
            for key, value in self.kwargs.items()
            if key not in {"ignore_row_if", "mostly"}
        )
        return f"{self.kind}({args})"


@dataclass(frozen=True)
class TableSuite:
    """The expectations of one warehouse table, checked on one Dagster asset."""

    layer: str
    table: str
    row_id: tuple[str, ...]
    expectations: tuple[Expect, ...]
    track_volume: bool = False
    source: str = "demo_crm"
    """For the raw layer: the CRM source whose raw table this is."""

    @property
    def schema(self) -> str:
        if self.layer == "raw":
            return f"raw_{self.source}"
        return LAYER_SCHEMAS[self.layer]

    @property
    def asset_key(self) -> dg.AssetKey:
        if self.layer == "raw":
            return dg.AssetKey([self.source, self.table])
        return dg.AssetKey([self.schema, self.table])

    @property
    def check_name(self) -> str:
        return f"gx_{self.layer}_suite"

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.table}"


# -- helpers: short spellings of the expectations used -------------------------------------


def not_null(*columns: str) -> tuple[Expect, ...]:
    return tuple(Expect("ExpectColumnValuesToNotBeNull", {"column": c}) for c in columns)


def unique(column: str) -> Expect:
    return Expect("ExpectColumnValuesToBeUnique", {"column": column})


def between(column: str, min_value: float | None = None, max_value: float | None = None) -> Expect:
    """Values within bounds (inclusive); nulls are not checked (use ``not_null``)."""
    kwargs: dict[str, Any] = {"column": column}
    if min_value is not None:
        kwargs["min_value"] = min_value
    if max_value is not None:
        kwargs["max_value"] = max_value
    return Expect("ExpectColumnValuesToBeBetween", kwargs)


def in_set(column: str, values: Sequence[str]) -> Expect:
    return Expect("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)})


def not_before(later: str, earlier: str) -> Expect:
    """``later >= earlier`` where both are present."""
    return Expect(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {
            "column_A": later,
            "column_B": earlier,
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
    )


def no_rows(description: str, where: str) -> Expect:
    """No row of the table satisfies ``where`` (plain column names): a query expectation."""
    return Expect(
        "UnexpectedRowsExpectation",
        {
            "description": description,
            "unexpected_rows_query": f"select * from {{batch}} where {where}",
        },
    )


def references(column: str, table: str, key: str) -> Expect:
    """Every non-null ``column`` value exists as ``key`` in ``table`` (schema-qualified)."""
    return no_rows(
        f"{column} references {table}.{key}",
        f"{column} is not null and {column} not in "
        f"(select {key} from {table} where {key} is not null)",
    )


def finite_or_null(column: str) -> Expect:
    return no_rows(f"{column} is finite or null", f"isinf({column}) or isnan({column})")


def rate(*columns: str) -> tuple[Expect, ...]:
    return tuple(between(c, 0, 1) for c in columns)


# -- the suites ------------------------------------------------------------------------------


def _raw(table: str, row_id: tuple[str, ...], *expectations: Expect) -> TableSuite:
    return TableSuite("raw", table, row_id, (*not_null(*row_id), *expectations), True)


def raw_suites(source: str) -> tuple[TableSuite, ...]:
    """The raw suites for ``source``'s landed tables (none for vendor-shaped sources)."""
    if source not in CANONICAL_RAW_SOURCES:
        return ()
    return tuple(replace(suite, source=source) for suite in _CANONICAL_RAW_SUITES)


_CANONICAL_RAW_SUITES: tuple[TableSuite, ...] = (
    _raw("teams", ("team_id",)),
    _raw("users", ("user_id",)),
    _raw("team_memberships", ("user_id", "team_id", "valid_from")),
    _raw("quotas", ("quota_id",), *not_null("owner_id"), between("amount", 0)),
    _raw("accounts", ("account_id",)),
    _raw("contacts", ("contact_id",)),
    _raw("leads", ("lead_id",)),
    _raw("pipelines", ("pipeline_id",)),
    _raw(
        "pipeline_stages",
        ("stage_id",),
        # unique across pipelines: deals and stage history name a stage by its id alone
        unique("stage_id"),
        *not_null("pipeline_id"),
        between("probability", 0, 100),
    ),
    _raw(
        "deals",
        ("deal_id",),
        *not_null("pipeline_id", "owner_id", "stage_id", "created_at"),
        between("amount", 0),
        between("probability", 0, 100),
        in_set("currency", ACCEPTED_CURRENCIES),
        not_before("closed_at", "created_at"),
    ),
    _raw("deal_stage_history", ("deal_id", "stage_id", "entered_at")),
    _raw("activities", ("activity_id",), *not_null("owner_id", "occurred_at")),
    _raw("email_events", ("email_event_id",)),
    _raw(
        "subscriptions",
        ("subscription_id",),
        *not_null("account_id", "start_date"),
        between("mrr", 0),
        in_set("currency", ACCEPTED_CURRENCIES),
    ),
    _raw("sales_marketing_spend", ("spend_month", "department"), between("amount", 0)),
    _raw("csat_surveys", ("survey_id",), between("score", 1, 5)),
    _raw(
        "fx_rates",
        ("rate_date", "currency"),
        in_set("currency", ACCEPTED_CURRENCIES),
        Expect(
            "ExpectColumnValuesToBeBetween",
            {"column": "usd_per_unit", "min_value": 0, "strict_min": True},
        ),
    ),
)

CANONICAL_SUITES: tuple[TableSuite, ...] = (
    TableSuite(
        "canonical",
        "int_deals",
        ("deal_id",),
        (
            *not_null("deal_id", "owner_id", "deal_status"),
            unique("deal_id"),
            in_set("deal_status", DEAL_STATUSES),
            between("stage_probability", 0, 1),
            between("sales_cycle_days", 0),
            references("owner_id", "intermediate.int_users", "user_id"),
        ),
        track_volume=True,
    ),
    TableSuite(
        "canonical",
        "int_stage_visits",
        ("deal_id", "stage_id", "entered_at"),
        (*not_null("deal_id", "stage_id", "entered_at"), between("duration_days", 0)),
    ),
    TableSuite("canonical", "int_users", ("user_id",), (*not_null("user_id"), unique("user_id"))),
)

MART_SUITES: tuple[TableSuite, ...] = (
    TableSuite(
        "marts",
        "rep_performance",
        ("user_id", "period_type", "period_start"),
        (
            *rate("win_rate", "loss_rate", "win_rate_by_amount"),
            between("quota_attainment", 0),
            finite_or_null("pipeline_coverage"),
            *not_null("bookings"),
        ),
    ),
    TableSuite(
        "marts",
        "team_performance",
        ("scope", "team_id", "period_type", "period_start"),
        (
            *rate("win_rate", "win_rate_by_amount", "quota_attainment_rate"),
            between("quota_attainment", 0),
            *not_null("bookings"),
        ),
    ),
    TableSuite(
        "marts",
        "executive_view",
        ("period_type", "period_start"),
        (
            *rate("win_rate", "quota_attainment_rate"),
            between("quota_attainment", 0),
            finite_or_null("pipeline_coverage"),
            *not_null("bookings"),
        ),
    ),
    TableSuite(
        "marts",
        "leaderboard",
        ("user_id", "period_type", "period_start"),
        (*rate("win_rate"), between("quota_attainment", 0), *not_null("bookings")),
    ),
    TableSuite(
        "marts",
        "forecast_by_period",
        ("period_type", "period_start", "segment_level", "segment_id"),
        (finite_or_null("pipeline_coverage"), *not_null("bookings")),
    ),
    TableSuite(
        "marts",
        "win_loss_analysis",
        ("quarter_start", "dimension", "dimension_value"),
        rate("win_rate", "win_rate_by_amount", "loss_rate", "loss_share"),
    ),
    TableSuite(
        "marts",
        "reconciliation",
        ("raw_table", "load_id"),
        (*not_null("unexplained_rows"), between("unexplained_rows", 0, 0)),
    ),
)

RAW_SUITES = raw_suites("demo_crm")
WAREHOUSE_SUITES: tuple[TableSuite, ...] = (*CANONICAL_SUITES, *MART_SUITES)
ALL_SUITES: tuple[TableSuite, ...] = (*RAW_SUITES, *WAREHOUSE_SUITES)
