"""The bad-input corpus: each class of bad raw data, the rows that plant it, and its outcome.

A class is SQL over a clean demo extract landed as ``raw_demo_crm`` (DuckDB). Inserted rows
carry the class name as their ``_dlt_load_id``, so reconciliation (one row per raw table and
load) and the quarantine mart (``load_id``) show each class on its own. Placeholders filled
from the clean extract: ``{deal}`` a won deal created before mid-2026 (a template row),
``{activity}``, ``{sub}``, ``{quota}`` template rows of their tables.

Outcomes (checked by tests/test_bad_inputs.py after ONE dbt build over all classes):
``Quarantined`` the record is in ``marts.quarantine`` under ``rule`` with a reason naming
the value, and reconciliation counts it; ``Excluded`` not canonical, counted in the named
reconciliation column; ``Normalized`` a query over the built warehouse must return true;
``Error`` a dbt test must fail (run by ``dbt test`` on a copy, so the build stays green).
Out of scope (the file connectors type-check before ``raw_demo_crm``, whose columns are typed
floats and UTC timestamps): malformed files, "1,234.50"/"N/A" in numeric columns, naive
versus zoned timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quarantined:
    raw_table: str
    rule: str
    reason_contains: str
    rows: int = 1  # reconciliation.quarantined for the class's load


@dataclass(frozen=True)
class Excluded:
    raw_table: str
    column: str  # stale_versions | deleted | after_as_of
    rows: int = 1


@dataclass(frozen=True)
class Normalized:
    how: str
    check_sql: str  # returns one boolean row, true when normalized as described
    reconciled: dict[str, int] = field(default_factory=dict)  # raw_table.column -> count


@dataclass(frozen=True)
class Error:
    failing_test: str  # the dbt test (unique_id fragment) that must fail


Outcome = Quarantined | Excluded | Normalized | Error


@dataclass(frozen=True)
class BadInput:
    name: str
    what: str
    sql: tuple[str, ...]
    outcome: Outcome


def _deal(name: str, replace: str, *, deal_id: str | None = None) -> str:
    """A copy of the template deal as a new deal (id = the class name unless given)."""
    deal_id = deal_id or f"'{name}'"
    return (
        f"insert into raw_demo_crm.deals select * replace ({deal_id} as deal_id, "
        f"'{name}' as _dlt_load_id{', ' + replace if replace else ''}) "
        "from raw_demo_crm.deals where deal_id = '{deal}'"
    )


def _history(name: str, deal_id: str, stage: str, entered_at: str) -> str:
    return (
        f"insert into raw_demo_crm.deal_stage_history values "
        f"({deal_id}, {stage}, {entered_at}, '{name}')"
    )


def _activity(name: str, replace: str, activity_id: str | None = None) -> str:
    activity_id = activity_id or f"'{name}'"
    return (
        f"insert into raw_demo_crm.activities select * replace ({activity_id} as activity_id, "
        f"'{name}' as _dlt_load_id, {replace}) "
        "from raw_demo_crm.activities where activity_id = '{activity}'"
    )


def _sub(name: str, replace: str, sub_id: str | None = None) -> str:
    sub_id = sub_id or f"'{name}'"
    return (
        f"insert into raw_demo_crm.subscriptions select * replace ({sub_id} as subscription_id, "
        f"'{name}' as _dlt_load_id, {replace}) "
        "from raw_demo_crm.subscriptions where subscription_id = '{sub}'"
    )


def _quota(name: str, replace: str) -> str:
    return (
        f"insert into raw_demo_crm.quotas select * replace ('{name}' as quota_id, "
        f"'{name}' as _dlt_load_id, {replace}) "
        "from raw_demo_crm.quotas where quota_id = '{quota}'"
    )


def _copy_history(name: str, order: str = "entered_at") -> str:
    """The template deal's clean stage history, for deal `name`, inserted in the given order."""
    return (
        f"insert into raw_demo_crm.deal_stage_history select '{name}', stage_id, entered_at, "
        f"'{name}' from raw_demo_crm.deal_stage_history where deal_id = '{{deal}}' "
        f"and _dlt_load_id = 'clean' order by {order}"
    )


def _in_deals(name: str, condition: str) -> str:
    return (
        f"select count(*) = 1 and bool_and({condition}) "
        f"from intermediate.int_deals where deal_id = '{name}'"
    )


TS_FUTURE = "timestamptz '2099-01-01 00:00:00+00'"
LONG = "repeat('x', 10000)"
NON_LATIN = "'商談 Ünïcødé Сделка صفقة 🚀'"

CORPUS: tuple[BadInput, ...] = (
    # --- deals: keys --------------------------------------------------------------------
    BadInput(
        "deal-null-id",
        "deal_id is null",
        (_deal("deal-null-id", "", deal_id="null"),),
        Quarantined("deals", "deal_id_null", "deal_id is null"),
    ),
    BadInput(
        "deal-empty-id",
        "deal_id is '' (empty string, treated as null)",
        (_deal("deal-empty-id", "", deal_id="''"),),
        Quarantined("deals", "deal_id_null", "deal_id is null"),
    ),
    BadInput(
        "deal-dup-conflict",
        "two versions of one deal with conflicting amounts",
        (
            _deal(
                "deal-dup-conflict", "100.0 as amount, updated_at - interval 2 day as updated_at"
            ),
            _deal("deal-dup-conflict", "999.0 as amount"),
        ),
        Normalized(
            "the latest version (by updated_at) wins, the stale one is counted",
            _in_deals("deal-dup-conflict", "amount_local = 999"),
            {"deals.stale_versions": 1, "deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-dup-exact",
        "the same deal row twice (same updated_at and load)",
        (_deal("deal-dup-exact", ""), _deal("deal-dup-exact", "")),
        Normalized(
            "collapsed to one canonical deal, the copy counted as stale",
            _in_deals("deal-dup-exact", "true"),
            {"deals.stale_versions": 1, "deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-deleted-reappears",
        "deleted in an older version, live in the latest",
        (
            _deal(
                "deal-deleted-reappears",
                "true as is_deleted, updated_at - interval 1 day as updated_at",
            ),
            _deal("deal-deleted-reappears", "false as is_deleted"),
        ),
        Normalized(
            "the latest (live) version wins: the deal is canonical again",
            _in_deals("deal-deleted-reappears", "true"),
            {"deals.stale_versions": 1, "deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-deleted-latest",
        "live in an older version, deleted in the latest",
        (
            _deal(
                "deal-deleted-latest",
                "false as is_deleted, updated_at - interval 1 day as updated_at",
            ),
            _deal("deal-deleted-latest", "true as is_deleted"),
        ),
        Excluded("deals", "deleted"),
    ),
    # --- deals: values ------------------------------------------------------------------
    BadInput(
        "deal-negative-amount",
        "amount -100",
        (_deal("deal-negative-amount", "-100.0 as amount"),),
        Quarantined("deals", "negative_amount", "-100.00"),
    ),
    BadInput(
        "deal-nan-amount",
        "amount NaN",
        (_deal("deal-nan-amount", "'nan'::double as amount"),),
        Quarantined("deals", "non_finite_amount", "amount nan"),
    ),
    BadInput(
        "deal-inf-amount",
        "amount +infinity",
        (_deal("deal-inf-amount", "'inf'::double as amount"),),
        Quarantined("deals", "non_finite_amount", "amount inf"),
    ),
    BadInput(
        "deal-neg-inf-amount",
        "amount -infinity",
        (_deal("deal-neg-inf-amount", "'-inf'::double as amount"),),
        Quarantined("deals", "non_finite_amount", "amount -inf"),
    ),
    BadInput(
        "deal-null-amount",
        "amount null (not yet estimated)",
        (_deal("deal-null-amount", "null::double as amount"),),
        Normalized(
            "loaded with a null amount (allowed: an unestimated deal)",
            _in_deals("deal-null-amount", "amount_local is null and amount is null"),
            {"deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-unknown-currency",
        "currency XXX (no fx rates)",
        (_deal("deal-unknown-currency", "'XXX' as currency"),),
        Quarantined("deals", "unknown_currency", "currency XXX"),
    ),
    BadInput(
        "deal-lowercase-currency",
        "currency 'usd' (codes are upper case)",
        (_deal("deal-lowercase-currency", "'usd' as currency"),),
        Quarantined("deals", "unknown_currency", "currency usd"),
    ),
    BadInput(
        "deal-empty-currency",
        "currency '' (treated as null)",
        (_deal("deal-empty-currency", "'' as currency"),),
        Quarantined("deals", "unknown_currency", "currency null"),
    ),
    BadInput(
        "deal-closed-before-created",
        "closed_at 10 days before created_at",
        (_deal("deal-closed-before-created", "created_at - interval 10 day as closed_at"),),
        Quarantined("deals", "closed_before_created", "is before created_at"),
    ),
    BadInput(
        "deal-orphan-owner",
        "owner_id not a user",
        (_deal("deal-orphan-owner", "'no-such-rep' as owner_id"),),
        Quarantined("deals", "orphan_owner", "owner_id no-such-rep"),
    ),
    BadInput(
        "deal-empty-owner",
        "owner_id '' (treated as null)",
        (_deal("deal-empty-owner", "'' as owner_id"),),
        Quarantined("deals", "orphan_owner", "owner_id null"),
    ),
    BadInput(
        "deal-closed-far-future",
        "closed_at in 2099, after the record's last update",
        (_deal("deal-closed-far-future", f"{TS_FUTURE} as closed_at"),),
        Quarantined("deals", "closed_after_last_update", "closed_at 2099-01-01"),
    ),
    BadInput(
        "deal-amount-out-of-range",
        "amount 1e20 (beyond decimal(18, 2))",
        (_deal("deal-amount-out-of-range", "1e20 as amount"),),
        Quarantined("deals", "non_finite_amount", "amount 1e+20"),
    ),
    BadInput(
        "fx-before-first-rate",
        "a deal in JPY, closed before JPY's first FX rate",
        (
            "insert into raw_demo_crm.fx_rates select rate_date, 'JPY', 0.0065, "
            "'fx-before-first-rate' from raw_demo_crm.fx_rates "
            "where currency = 'USD' and rate_date >= date '2026-11-01'",
            _deal("fx-before-first-rate", "'JPY' as currency"),
        ),
        Error("int_deals_amount_is_not_null_or_amount_local_is_null"),
    ),
    BadInput(
        "deal-created-far-future",
        "created_at in 2099",
        (
            _deal(
                "deal-created-far-future",
                f"{TS_FUTURE} as created_at, {TS_FUTURE} as updated_at, null as closed_at",
            ),
        ),
        Excluded("deals", "after_as_of"),
    ),
    BadInput(
        "deal-expected-close-far-future",
        "expected_close_date in 2099 (a forecast field)",
        (_deal("deal-expected-close-far-future", "date '2099-12-31' as expected_close_date"),),
        Normalized(
            "loaded as is: a forecast date may lie far ahead",
            _in_deals("deal-expected-close-far-future", "expected_close_date = date '2099-12-31'"),
            {"deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-long-name",
        "deal_name of 10,000 characters",
        (_deal("deal-long-name", f"{LONG} as deal_name"),),
        Normalized(
            "loaded unchanged",
            _in_deals("deal-long-name", "length(deal_name) = 10000"),
            {"deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-non-latin-name",
        "deal_name in CJK, Cyrillic, Arabic and an emoji",
        (_deal("deal-non-latin-name", f"{NON_LATIN} as deal_name"),),
        Normalized(
            "loaded unchanged",
            _in_deals("deal-non-latin-name", f"deal_name = {NON_LATIN}"),
            {"deals.canonical_rows": 1},
        ),
    ),
    BadInput(
        "deal-empty-lead",
        "lead_id '' (treated as null)",
        (_deal("deal-empty-lead", "'' as lead_id"),),
        Normalized(
            "lead_id null; first contact falls back to created_at",
            _in_deals("deal-empty-lead", "lead_id is null and first_contact_at = created_at"),
            {"deals.canonical_rows": 1},
        ),
    ),
    # --- pipeline stages ----------------------------------------------------------------
    BadInput(
        "stage-id-in-two-pipelines",
        "a stage id another pipeline also uses",
        (
            "insert into raw_demo_crm.pipeline_stages select * replace ("
            "'stage-id-in-two-pipelines' as pipeline_id, "
            "'stage-id-in-two-pipelines' as _dlt_load_id) "
            "from raw_demo_crm.pipeline_stages order by stage_id limit 1",
        ),
        Error("unique_combination_stg_crm__pipeline_stages_stage_id"),
    ),
    # --- deal stage history -------------------------------------------------------------
    BadInput(
        "history-unknown-stage",
        "a stage not in pipeline_stages",
        (
            _history(
                "history-unknown-stage",
                "'{deal}'",
                "'no-such-stage'",
                "timestamptz '2026-06-01 00:00:00+00'",
            ),
        ),
        Quarantined("deal_stage_history", "unknown_stage", "stage_id no-such-stage"),
    ),
    BadInput(
        "history-orphan-deal",
        "history of a deal that does not exist",
        (
            _history(
                "history-orphan-deal",
                "'no-such-deal'",
                "(select stage_id from raw_demo_crm.pipeline_stages order by 1 limit 1)",
                "timestamptz '2026-06-01 00:00:00+00'",
            ),
        ),
        Quarantined("deal_stage_history", "orphan_deal", "deal_id no-such-deal"),
    ),
    BadInput(
        "history-before-created",
        "entered 30 days before the deal was created",
        (
            _history(
                "history-before-created",
                "'{deal}'",
                "(select stage_id from raw_demo_crm.deal_stage_history "
                "where deal_id = '{deal}' order by entered_at limit 1)",
                "(select created_at - interval 30 day from raw_demo_crm.deals "
                "where deal_id = '{deal}')",
            ),
        ),
        Quarantined(
            "deal_stage_history",
            "entered_before_deal_created",
            "is more than a day before the deal was created",
        ),
    ),
    BadInput(
        "history-duplicated",
        "every history entry of a deal loaded twice",
        (
            _deal("history-duplicated", ""),
            _copy_history("history-duplicated"),
            _copy_history("history-duplicated"),
        ),
        Normalized(
            "exact copies collapsed: one visit per entry, copies counted as stale",
            "select (select count(*) from intermediate.int_stage_visits "
            "where deal_id = 'history-duplicated') = (select count(*) from "
            "raw_demo_crm.deal_stage_history where deal_id = '{deal}' "
            "and _dlt_load_id = 'clean') and "
            "(select stale_versions = canonical_rows from marts.reconciliation "
            "where raw_table = 'deal_stage_history' and load_id = 'history-duplicated')",
        ),
    ),
    BadInput(
        "history-out-of-order",
        "history rows landed newest first",
        (
            _deal("history-out-of-order", ""),
            _copy_history("history-out-of-order", "entered_at desc"),
        ),
        Normalized(
            "re-ordered by entered_at: visits and the as-of stage match the template",
            "select bool_and(a.stage_id = b.stage_id and a.visit_number = b.visit_number)"
            " and count(*) > 0 and (select stage_id from intermediate.int_deals "
            "where deal_id = 'history-out-of-order') = (select stage_id from "
            "intermediate.int_deals where deal_id = '{deal}') "
            "from intermediate.int_stage_visits a join intermediate.int_stage_visits b "
            "on a.entered_at = b.entered_at and b.deal_id = '{deal}' "
            "where a.deal_id = 'history-out-of-order'",
        ),
    ),
    BadInput(
        "history-far-future",
        "a stage entered in 2099",
        (
            _history(
                "history-far-future",
                "'{deal}'",
                "(select stage_id from raw_demo_crm.pipeline_stages order by 1 limit 1)",
                TS_FUTURE,
            ),
        ),
        Excluded("deal_stage_history", "after_as_of"),
    ),
    BadInput(
        "history-null-entered-at",
        "a stage entry without entered_at",
        (
            _history(
                "history-null-entered-at",
                "'{deal}'",
                "(select stage_id from raw_demo_crm.pipeline_stages order by 1 limit 1)",
                "null",
            ),
        ),
        Error("not_null_stg_demo_crm__deal_stage_history_entered_at"),
    ),
    # --- activities ---------------------------------------------------------------------
    BadInput(
        "activity-orphan-owner",
        "owner_id not a user",
        (_activity("activity-orphan-owner", "'no-such-rep' as owner_id"),),
        Quarantined("activities", "orphan_owner", "owner_id no-such-rep"),
    ),
    BadInput(
        "activity-unknown-type",
        "activity_type 'fax'",
        (_activity("activity-unknown-type", "'fax' as activity_type"),),
        Quarantined("activities", "unknown_activity_type", "activity_type fax"),
    ),
    BadInput(
        "activity-empty-type",
        "activity_type '' (empty string)",
        (_activity("activity-empty-type", "'' as activity_type"),),
        Quarantined("activities", "unknown_activity_type", "is not one of"),
    ),
    BadInput(
        "activity-far-future",
        "occurred_at in 2099",
        (_activity("activity-far-future", f"{TS_FUTURE} as occurred_at"),),
        Excluded("activities", "after_as_of"),
    ),
    BadInput(
        "activity-dup-conflict",
        "an activity_id twice with conflicting types",
        (
            _activity("activity-dup-conflict", "'call' as activity_type"),
            _activity("activity-dup-conflict", "'demo' as activity_type"),
        ),
        Error("salespulse_unique_combination_stg_demo_crm__activities_activity_id"),
    ),
    # --- subscriptions ------------------------------------------------------------------
    BadInput(
        "sub-negative-mrr",
        "mrr -50",
        (_sub("sub-negative-mrr", "-50.0 as mrr"),),
        Quarantined("subscriptions", "negative_mrr", "mrr -50.00"),
    ),
    BadInput(
        "sub-nan-mrr",
        "mrr NaN",
        (_sub("sub-nan-mrr", "'nan'::double as mrr"),),
        Quarantined("subscriptions", "non_finite_mrr", "mrr nan"),
    ),
    BadInput(
        "sub-ends-before-start",
        "end_date before start_date",
        (
            _sub(
                "sub-ends-before-start",
                "date '2025-01-01' as start_date, date '2024-06-01' as end_date",
            ),
        ),
        Quarantined("subscriptions", "ends_before_start", "end_date 2024-06-01"),
    ),
    BadInput(
        "sub-start-far-future",
        "start_date in 2099",
        (_sub("sub-start-far-future", "date '2099-01-01' as start_date, null as end_date"),),
        Excluded("subscriptions", "after_as_of"),
    ),
    BadInput(
        "sub-overlapping",
        "two subscriptions of one account over the same months",
        (
            _sub(
                "sub-overlap-a",
                "date '2025-01-01' as start_date, date '2025-12-01' as end_date",
                "'sub-overlap-a'",
            ),
            _sub(
                "sub-overlap-b",
                "date '2025-06-01' as start_date, null as end_date",
                "'sub-overlap-b'",
            ),
        ),
        Normalized(
            "both kept: an account may hold several subscriptions (MRR adds up)",
            "select count(*) = 2 from intermediate.int_subscriptions "
            "where subscription_id in ('sub-overlap-a', 'sub-overlap-b')",
        ),
    ),
    # --- quotas and FX ------------------------------------------------------------------
    BadInput(
        "quota-unknown-rep",
        "a monthly quota for a user that does not exist",
        (_quota("quota-unknown-rep", "'no-such-rep' as owner_id"),),
        Normalized(
            "kept in int_rep_quotas_monthly, reported for no rep",
            "select (select count(*) from intermediate.int_rep_quotas_monthly "
            "where user_id = 'no-such-rep') = 1 and (select count(*) from "
            "marts.leaderboard where user_id = 'no-such-rep') = 0",
        ),
    ),
    BadInput(
        "quota-nan-amount",
        "a quota amount of NaN (staging makes it null, no failed cast)",
        (_quota("quota-nan-amount", "'nan-quota-rep' as owner_id, 'nan'::double as amount"),),
        Error("not_null_int_rep_quotas_monthly_quota_amount"),
    ),
    BadInput(
        "fx-missing-month",
        "no EUR rates for June 2026",
        (
            "delete from raw_demo_crm.fx_rates where currency = 'EUR' "
            "and rate_date between date '2026-06-01' and date '2026-06-30'",
        ),
        Normalized(
            "the last earlier rate carries forward over the gap",
            "select g.to_reporting_factor = p.to_reporting_factor from "
            "intermediate.int_fx_rates_daily g join intermediate.int_fx_rates_daily p "
            "on p.currency_code = 'EUR' and p.rate_date = date '2026-05-31' "
            "where g.currency_code = 'EUR' and g.rate_date = date '2026-06-15'",
        ),
    ),
)

BUILD_CLASSES = tuple(c for c in CORPUS if not isinstance(c.outcome, Error))
ERROR_CLASSES = tuple(c for c in CORPUS if isinstance(c.outcome, Error))
