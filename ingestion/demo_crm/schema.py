"""The raw tables of the demo CRM: the contract between the generator and dbt's sources.

Every table is landed by dlt in the DuckDB schema ``raw_demo_crm`` and declared as the
dbt source ``demo_crm``. Timestamps are UTC (``timestamp[us, tz=UTC]``); date-only CRM
fields (close dates, hire dates, quota periods, subscription bounds, FX dates) are
``date32`` and are never shifted across a day boundary. Amounts are in the row's own
``currency``; probabilities are on the 0-100 scale, as Salesforce stores them.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "teams": pa.schema(
        [
            ("team_id", pa.string()),
            ("team_name", pa.string()),
            ("region", pa.string()),
            ("manager_id", pa.string()),
            ("updated_at", TS),
        ]
    ),
    "users": pa.schema(
        [
            ("user_id", pa.string()),
            ("full_name", pa.string()),
            ("email", pa.string()),
            ("role", pa.string()),  # rep | manager | executive
            ("team_id", pa.string()),  # current team; null for executives
            ("manager_id", pa.string()),  # null for the top executive
            ("region", pa.string()),
            ("hire_date", pa.date32()),
            ("ramp_months", pa.int32()),
            ("left_date", pa.date32()),  # null while employed
            ("updated_at", TS),
        ]
    ),
    "team_memberships": pa.schema(
        [
            ("user_id", pa.string()),
            ("team_id", pa.string()),
            ("valid_from", pa.date32()),
            ("valid_to", pa.date32()),  # exclusive; null = current
        ]
    ),
    "quotas": pa.schema(
        [
            ("quota_id", pa.string()),
            ("owner_type", pa.string()),  # rep | team
            ("owner_id", pa.string()),  # user_id or team_id
            ("period_type", pa.string()),  # month | quarter
            ("period_start", pa.date32()),
            ("amount", pa.float64()),
            ("currency", pa.string()),
        ]
    ),
    "accounts": pa.schema(
        [
            ("account_id", pa.string()),
            ("account_name", pa.string()),
            ("segment", pa.string()),  # SMB | Mid-Market | Enterprise
            ("industry", pa.string()),
            ("country", pa.string()),  # ISO 3166 alpha-2
            ("region", pa.string()),
            ("created_at", TS),
            ("updated_at", TS),
            ("is_deleted", pa.bool_()),
        ]
    ),
    "contacts": pa.schema(
        [
            ("contact_id", pa.string()),
            ("account_id", pa.string()),
            ("full_name", pa.string()),
            ("email", pa.string()),
            ("title", pa.string()),
            ("created_at", TS),
            ("updated_at", TS),
        ]
    ),
    "leads": pa.schema(
        [
            ("lead_id", pa.string()),
            ("lead_source", pa.string()),  # inbound | outbound | referral | event | partner
            ("owner_id", pa.string()),
            ("account_id", pa.string()),
            ("status", pa.string()),  # open | converted | disqualified
            ("created_at", TS),
            ("converted_at", TS),
            ("converted_deal_id", pa.string()),
            ("updated_at", TS),
        ]
    ),
    "pipelines": pa.schema([("pipeline_id", pa.string()), ("pipeline_name", pa.string())]),
    "pipeline_stages": pa.schema(
        [
            ("pipeline_id", pa.string()),
            ("stage_id", pa.string()),
            ("stage_name", pa.string()),
            ("stage_order", pa.int32()),
            ("probability", pa.int32()),  # 0-100
            ("is_closed", pa.bool_()),
            ("is_won", pa.bool_()),
        ]
    ),
    "deals": pa.schema(
        [
            ("deal_id", pa.string()),
            ("deal_name", pa.string()),
            ("pipeline_id", pa.string()),
            ("account_id", pa.string()),  # null on some open deals
            ("owner_id", pa.string()),
            ("lead_id", pa.string()),  # null when not from a lead
            ("product", pa.string()),
            ("amount", pa.float64()),  # null on some early-stage deals
            ("currency", pa.string()),
            ("stage_id", pa.string()),  # current stage as of the extract
            ("forecast_category", pa.string()),  # pipeline | best_case | commit | closed | omitted
            ("probability", pa.int32()),  # 0-100
            ("created_at", TS),
            ("expected_close_date", pa.date32()),
            ("closed_at", TS),  # null while open
            ("is_closed", pa.bool_()),
            ("is_won", pa.bool_()),
            ("loss_reason", pa.string()),
            ("competitor", pa.string()),
            ("updated_at", TS),
            ("is_deleted", pa.bool_()),
        ]
    ),
    "deal_stage_history": pa.schema(
        [
            ("deal_id", pa.string()),
            ("stage_id", pa.string()),
            ("entered_at", TS),
        ]
    ),
    "activities": pa.schema(
        [
            ("activity_id", pa.string()),
            ("activity_type", pa.string()),  # call | meeting | email | demo
            ("owner_id", pa.string()),
            ("deal_id", pa.string()),
            ("account_id", pa.string()),
            ("occurred_at", TS),
            ("duration_minutes", pa.int32()),
        ]
    ),
    "email_events": pa.schema(
        [
            ("email_event_id", pa.string()),
            ("activity_id", pa.string()),
            ("event_type", pa.string()),  # sent | delivered | opened
            ("occurred_at", TS),
        ]
    ),
    "subscriptions": pa.schema(
        [
            ("subscription_id", pa.string()),
            ("account_id", pa.string()),
            ("plan", pa.string()),
            ("mrr", pa.float64()),
            ("currency", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),  # exclusive; null = active at the extract
        ]
    ),
    "sales_marketing_spend": pa.schema(
        [
            ("spend_month", pa.date32()),  # first day of the month
            ("department", pa.string()),  # sales | marketing
            ("amount", pa.float64()),
            ("currency", pa.string()),
        ]
    ),
    "csat_surveys": pa.schema(
        [
            ("survey_id", pa.string()),
            ("account_id", pa.string()),
            ("deal_id", pa.string()),
            ("owner_id", pa.string()),
            ("score", pa.int32()),  # 1-5
            ("responded_at", TS),
        ]
    ),
    "fx_rates": pa.schema(
        [
            ("rate_date", pa.date32()),
            ("currency", pa.string()),
            ("usd_per_unit", pa.float64()),  # USD itself is present at 1.0
        ]
    ),
}

# Primary keys, declared to dlt as hints (and tested unique in the canonical layer).
# deals carries deliberate duplicate versions (mess); dbt keeps the latest updated_at.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "teams": ("team_id",),
    "users": ("user_id",),
    "team_memberships": ("user_id", "valid_from"),
    "quotas": ("quota_id",),
    "accounts": ("account_id",),
    "contacts": ("contact_id",),
    "leads": ("lead_id",),
    "pipelines": ("pipeline_id",),
    "pipeline_stages": ("pipeline_id", "stage_id"),
    "deals": ("deal_id",),
    "deal_stage_history": ("deal_id", "stage_id", "entered_at"),
    "activities": ("activity_id",),
    "email_events": ("email_event_id",),
    "subscriptions": ("subscription_id",),
    "sales_marketing_spend": ("spend_month", "department"),
    "csat_surveys": ("survey_id",),
    "fx_rates": ("rate_date", "currency"),
}
