"""The raw tables the Pipedrive connector lands, as Arrow schemas, and the functions that
turn one page of API records into one Arrow table.

Every column is declared, so a column that is null on every row of a load (``lost_reason``
on a load of open deals, say) still exists in the warehouse and dbt's staging models always
compile. Nested API objects are flattened to the fields the canonical model needs (a
person's primary email, an organization's address country, the configured custom fields).
Timestamps are UTC: API v2 sends RFC 3339 (``2025-01-01T10:20:00Z``), API v1 sends
``YYYY-MM-DD HH:MM:SS`` in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

Record = Mapping[str, Any]

SCHEMAS: dict[str, pa.Schema] = {
    "deals": pa.schema(
        [
            ("id", pa.int64()),
            ("title", pa.string()),
            ("owner_id", pa.int64()),
            ("person_id", pa.int64()),
            ("org_id", pa.int64()),
            ("pipeline_id", pa.int64()),
            ("stage_id", pa.int64()),
            ("value", pa.float64()),
            ("currency", pa.string()),
            ("status", pa.string()),  # open | won | lost
            ("probability", pa.float64()),  # 0-100; null = the stage's deal_probability
            ("lost_reason", pa.string()),
            ("is_deleted", pa.bool_()),
            ("add_time", TS),
            ("update_time", TS),
            ("stage_change_time", TS),
            ("close_time", TS),
            ("won_time", TS),
            ("lost_time", TS),
            ("expected_close_date", pa.date32()),
            ("origin", pa.string()),
            ("product", pa.string()),  # custom field, when configured
            ("competitor", pa.string()),  # custom field, when configured
        ]
    ),
    "deal_flow": pa.schema(
        [
            ("id", pa.int64()),  # the change-log entry's id
            ("deal_id", pa.int64()),
            ("field_key", pa.string()),  # stage_id | status | add_time
            ("old_value", pa.string()),
            ("new_value", pa.string()),
            ("log_time", TS),
            ("user_id", pa.int64()),
            ("change_source", pa.string()),
        ]
    ),
    "pipelines": pa.schema(
        [
            ("id", pa.int64()),
            ("name", pa.string()),
            ("order_nr", pa.int32()),
            ("is_deleted", pa.bool_()),
            ("add_time", TS),
            ("update_time", TS),
        ]
    ),
    "stages": pa.schema(
        [
            ("id", pa.int64()),
            ("pipeline_id", pa.int64()),
            ("name", pa.string()),
            ("order_nr", pa.int32()),
            ("deal_probability", pa.int32()),
            ("is_deleted", pa.bool_()),
            ("add_time", TS),
            ("update_time", TS),
        ]
    ),
    "users": pa.schema(
        [
            ("id", pa.int64()),
            ("name", pa.string()),
            ("email", pa.string()),
            ("is_admin", pa.bool_()),
            ("active_flag", pa.bool_()),
            ("role_id", pa.int64()),
            ("timezone_name", pa.string()),
            ("created", TS),
            ("modified", TS),
        ]
    ),
    "activities": pa.schema(
        [
            ("id", pa.int64()),
            ("type", pa.string()),
            ("subject", pa.string()),
            ("owner_id", pa.int64()),
            ("deal_id", pa.int64()),
            ("org_id", pa.int64()),
            ("person_id", pa.int64()),
            ("due_date", pa.date32()),
            ("due_time", pa.string()),  # HH:MM, UTC; null for all-day activities
            ("duration", pa.string()),  # HH:MM; null when not recorded
            ("done", pa.bool_()),
            ("is_deleted", pa.bool_()),
            ("add_time", TS),
            ("update_time", TS),
            ("marked_as_done_time", TS),
        ]
    ),
    "persons": pa.schema(
        [
            ("id", pa.int64()),
            ("name", pa.string()),
            ("first_name", pa.string()),
            ("last_name", pa.string()),
            ("owner_id", pa.int64()),
            ("org_id", pa.int64()),
            ("primary_email", pa.string()),
            ("job_title", pa.string()),
            ("is_deleted", pa.bool_()),
            ("add_time", TS),
            ("update_time", TS),
        ]
    ),
    "organizations": pa.schema(
        [
            ("id", pa.int64()),
            ("name", pa.string()),
            ("owner_id", pa.int64()),
            ("address", pa.string()),
            ("address_country", pa.string()),
            ("is_deleted", pa.bool_()),
            ("add_time", TS),
            ("update_time", TS),
            ("segment", pa.string()),  # custom field, when configured
            ("industry", pa.string()),  # custom field, when configured
            ("region", pa.string()),  # custom field, when configured
            ("country", pa.string()),  # custom field (ISO 3166 alpha-2), when configured
        ]
    ),
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "deals": ("id",),
    "deal_flow": ("id",),
    "pipelines": ("id",),
    "stages": ("id",),
    "users": ("id",),
    "activities": ("id",),
    "persons": ("id",),
    "organizations": ("id",),
}

# Custom fields the connector can copy into named columns: {table: (column, ...)}. Pipedrive
# references custom fields by a 40-character hash; the user maps column -> hash.
CUSTOM_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "deals": ("product", "competitor"),
    "organizations": ("segment", "industry", "region", "country"),
}

# The flow entries that make up a deal's stage history (``stage_id`` moves between open
# stages, ``status`` open/won/lost, ``add_time`` the creation).
FLOW_FIELD_KEYS = frozenset({"stage_id", "status", "add_time"})


def parse_time(value: Any) -> datetime | None:
    """A UTC datetime from Pipedrive's v2 RFC 3339 or v1 ``YYYY-MM-DD HH:MM:SS`` (UTC)."""
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return date.fromisoformat(str(value)[:10])


def _int(value: Any) -> int | None:
    """An id: v2 sends ints; v1 sometimes nests ``{"id": ..., "name": ...}`` or a string."""
    if isinstance(value, Mapping):
        value = value.get("value", value.get("id"))
    if value is None or value == "":
        return None
    return int(value)


def _float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _custom(record: Record, keys: Mapping[str, str], column: str) -> str | None:
    key = keys.get(column)
    if not key:
        return None
    value = (record.get("custom_fields") or {}).get(key)
    if isinstance(value, Mapping):  # option fields: {"id": ..., "label": ...}
        value = value.get("label", value.get("value"))
    return _text(value)


def _primary_email(record: Record) -> str | None:
    emails = record.get("emails") or []
    for email in emails:
        if email.get("primary"):
            return _text(email.get("value"))
    return _text(emails[0].get("value")) if emails else None


def deal_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": _int(r["id"]),
        "title": _text(r.get("title")),
        "owner_id": _int(r.get("owner_id")),
        "person_id": _int(r.get("person_id")),
        "org_id": _int(r.get("org_id")),
        "pipeline_id": _int(r.get("pipeline_id")),
        "stage_id": _int(r.get("stage_id")),
        "value": _float(r.get("value")),
        "currency": _text(r.get("currency")),
        "status": _text(r.get("status")),
        "probability": _float(r.get("probability")),
        "lost_reason": _text(r.get("lost_reason")),
        "is_deleted": _flag(r.get("is_deleted")),
        "add_time": parse_time(r.get("add_time")),
        "update_time": parse_time(r.get("update_time")),
        "stage_change_time": parse_time(r.get("stage_change_time")),
        "close_time": parse_time(r.get("close_time")),
        "won_time": parse_time(r.get("won_time")),
        "lost_time": parse_time(r.get("lost_time")),
        "expected_close_date": parse_date(r.get("expected_close_date")),
        "origin": _text(r.get("origin")),
        "product": _custom(r, keys, "product"),
        "competitor": _custom(r, keys, "competitor"),
    }


def flow_row(item: Record, deal_id: int) -> dict[str, Any]:
    """One ``dealChange`` item of ``GET /api/v1/deals/{id}/flow``."""
    d = item["data"]
    return {
        "id": _int(d["id"]),
        "deal_id": deal_id,
        "field_key": _text(d.get("field_key")),
        "old_value": _text(d.get("old_value")),
        "new_value": _text(d.get("new_value")),
        "log_time": parse_time(d.get("log_time") or item.get("timestamp")),
        "user_id": _int(d.get("user_id")),
        "change_source": _text(d.get("change_source")),
    }


def pipeline_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": _int(r["id"]),
        "name": _text(r.get("name")),
        "order_nr": _int(r.get("order_nr")),
        "is_deleted": _flag(r.get("is_deleted")),
        "add_time": parse_time(r.get("add_time")),
        "update_time": parse_time(r.get("update_time")),
    }


def stage_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": _int(r["id"]),
        "pipeline_id": _int(r.get("pipeline_id")),
        "name": _text(r.get("name")),
        "order_nr": _int(r.get("order_nr")),
        "deal_probability": _int(r.get("deal_probability")),
        "is_deleted": _flag(r.get("is_deleted")),
        "add_time": parse_time(r.get("add_time")),
        "update_time": parse_time(r.get("update_time")),
    }


def user_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": _int(r["id"]),
        "name": _text(r.get("name")),
        "email": _text(r.get("email")),
        "is_admin": _flag(r.get("is_admin")),
        "active_flag": _flag(r.get("active_flag")),
        "role_id": _int(r.get("role_id")),
        "timezone_name": _text(r.get("timezone_name")),
        "created": parse_time(r.get("created")),
        "modified": parse_time(r.get("modified")),
    }


def activity_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": _int(r["id"]),
        "type": _text(r.get("type")),
        "subject": _text(r.get("subject")),
        "owner_id": _int(r.get("owner_id")),
        "deal_id": _int(r.get("deal_id")),
        "org_id": _int(r.get("org_id")),
        "person_id": _int(r.get("person_id")),
        "due_date": parse_date(r.get("due_date")),
        "due_time": _text(r.get("due_time")) or None,
        "duration": _text(r.get("duration")) or None,
        "done": _flag(r.get("done")),
        "is_deleted": _flag(r.get("is_deleted")),
        "add_time": parse_time(r.get("add_time")),
        "update_time": parse_time(r.get("update_time")),
        "marked_as_done_time": parse_time(r.get("marked_as_done_time")),
    }


def person_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": _int(r["id"]),
        "name": _text(r.get("name")),
        "first_name": _text(r.get("first_name")),
        "last_name": _text(r.get("last_name")),
        "owner_id": _int(r.get("owner_id")),
        "org_id": _int(r.get("org_id")),
        "primary_email": _primary_email(r),
        "job_title": _text(r.get("job_title")),
        "is_deleted": _flag(r.get("is_deleted")),
        "add_time": parse_time(r.get("add_time")),
        "update_time": parse_time(r.get("update_time")),
    }


def organization_row(r: Record, keys: Mapping[str, str]) -> dict[str, Any]:
    address = r.get("address") or {}
    return {
        "id": _int(r["id"]),
        "name": _text(r.get("name")),
        "owner_id": _int(r.get("owner_id")),
        "address": _text(address.get("value")),
        "address_country": _text(address.get("country")),
        "is_deleted": _flag(r.get("is_deleted")),
        "add_time": parse_time(r.get("add_time")),
        "update_time": parse_time(r.get("update_time")),
        **{c: _custom(r, keys, c) for c in CUSTOM_FIELD_COLUMNS["organizations"]},
    }


ROW_BUILDERS: dict[str, Callable[[Record, Mapping[str, str]], dict[str, Any]]] = {
    "deals": deal_row,
    "pipelines": pipeline_row,
    "stages": stage_row,
    "users": user_row,
    "activities": activity_row,
    "persons": person_row,
    "organizations": organization_row,
}


def to_table(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows already in ``table``'s column layout -> an Arrow table of its schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])


def page_to_table(
    table: str, records: list[Record], custom_field_keys: Mapping[str, str] | None = None
) -> pa.Table:
    """One page of API records of ``table`` as an Arrow table of its schema."""
    build = ROW_BUILDERS[table]
    keys = custom_field_keys or {}
    return to_table(table, [build(r, keys) for r in records])
