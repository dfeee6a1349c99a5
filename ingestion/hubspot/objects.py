"""What the connector asks HubSpot for, per CRM object: the properties requested
explicitly (HubSpot returns only a few defaults otherwise), their types in the raw tables,
the modification-time property searched on, and the associations resolved.

HubSpot returns every property value as a string (or null); ``TYPES`` says how each one is
landed so the raw tables have stable column types whatever the first page contained.
"""

from __future__ import annotations

from dataclasses import dataclass

# Raw column types (dlt data types) of the properties that are not text.
TYPES: dict[str, str] = {
    "amount": "double",
    "closedate": "timestamp",
    "createdate": "timestamp",
    "hs_createdate": "timestamp",
    "hs_lastmodifieddate": "timestamp",
    "lastmodifieddate": "timestamp",
    "hs_is_closed": "bool",
    "hs_is_closed_won": "bool",
    "hs_deal_stage_probability": "double",
    "hs_timestamp": "timestamp",
    "hs_call_duration": "bigint",
    "hs_email_open_count": "bigint",
    "hs_meeting_start_time": "timestamp",
    "hs_meeting_end_time": "timestamp",
}


@dataclass(frozen=True)
class CrmObject:
    """One HubSpot CRM object type as the connector loads it.

    ``name`` is the API object type (``/crm/v3/objects/<name>``) and the raw table;
    ``modified`` the property the search API filters and sorts on (contacts use
    ``lastmodifieddate``, every other object ``hs_lastmodifieddate``); ``associations``
    maps a target object type to the raw column holding the first associated id.
    """

    name: str
    properties: tuple[str, ...]
    modified: str = "hs_lastmodifieddate"
    associations: tuple[tuple[str, str], ...] = ()
    with_history: tuple[str, ...] = ()
    track_archived: bool = False

    @property
    def columns(self) -> dict[str, dict[str, object]]:
        """dlt column hints for the raw table."""
        cols: dict[str, dict[str, object]] = {
            "id": {"data_type": "text", "nullable": False},
        }
        for prop in self.properties:
            cols[prop] = {"data_type": TYPES.get(prop, "text"), "nullable": True}
        for _, column in self.associations:
            cols[column] = {"data_type": "text", "nullable": True}
        cols["archived"] = {"data_type": "bool", "nullable": True}
        cols["archived_at"] = {"data_type": "timestamp", "nullable": True}
        return cols


ENGAGEMENT_ASSOCIATIONS = (("deals", "deal_id"), ("companies", "company_id"))

DEALS = CrmObject(
    name="deals",
    properties=(
        "dealname",
        "pipeline",
        "dealstage",
        "amount",
        "deal_currency_code",
        "closedate",
        "createdate",
        "hs_lastmodifieddate",
        "hs_is_closed",
        "hs_is_closed_won",
        "closed_lost_reason",
        "hubspot_owner_id",
        "hs_deal_stage_probability",
        "hs_manual_forecast_category",
        "dealtype",
    ),
    associations=(("companies", "company_id"),),
    with_history=("dealstage",),
    track_archived=True,
)

COMPANIES = CrmObject(
    name="companies",
    properties=("name", "industry", "country", "createdate", "hs_lastmodifieddate"),
    track_archived=True,
)

CONTACTS = CrmObject(
    name="contacts",
    properties=(
        "firstname",
        "lastname",
        "email",
        "jobtitle",
        "associatedcompanyid",
        "createdate",
        "lastmodifieddate",
    ),
    modified="lastmodifieddate",
)

_ENGAGEMENT_BASE = ("hs_timestamp", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate")

CALLS = CrmObject(
    name="calls",
    properties=(*_ENGAGEMENT_BASE, "hs_call_duration", "hs_call_status"),
    associations=ENGAGEMENT_ASSOCIATIONS,
)
EMAILS = CrmObject(
    name="emails",
    properties=(*_ENGAGEMENT_BASE, "hs_email_direction", "hs_email_status", "hs_email_open_count"),
    associations=ENGAGEMENT_ASSOCIATIONS,
)
MEETINGS = CrmObject(
    name="meetings",
    properties=(
        *_ENGAGEMENT_BASE,
        "hs_meeting_start_time",
        "hs_meeting_end_time",
        "hs_activity_type",
        "hs_meeting_outcome",
    ),
    associations=ENGAGEMENT_ASSOCIATIONS,
)
NOTES = CrmObject(
    name="notes",
    properties=_ENGAGEMENT_BASE,
    associations=ENGAGEMENT_ASSOCIATIONS,
)
TASKS = CrmObject(
    name="tasks",
    properties=(*_ENGAGEMENT_BASE, "hs_task_type", "hs_task_status"),
    associations=ENGAGEMENT_ASSOCIATIONS,
)

SEARCHED_OBJECTS: tuple[CrmObject, ...] = (
    DEALS,
    COMPANIES,
    CONTACTS,
    CALLS,
    EMAILS,
    MEETINGS,
    NOTES,
    TASKS,
)

STAGE_HISTORY_COLUMNS: dict[str, dict[str, object]] = {
    "deal_id": {"data_type": "text", "nullable": False},
    "stage_id": {"data_type": "text", "nullable": False},
    "entered_at": {"data_type": "timestamp", "nullable": False},
    "source_type": {"data_type": "text", "nullable": True},
    "source_id": {"data_type": "text", "nullable": True},
    "updated_by_user_id": {"data_type": "text", "nullable": True},
}
STAGE_HISTORY_KEY = ("deal_id", "stage_id", "entered_at")
