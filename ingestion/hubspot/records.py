"""HubSpot API objects -> raw rows: property strings typed, associations and archive state
flattened, ``dealstage`` history turned into one row per stage entry.

>>> row = to_row({"id": "7", "properties": {"amount": "12.5", "hs_is_closed": "true"}},
...              ("amount", "hs_is_closed"))
>>> row["id"], row["amount"], row["hs_is_closed"], row["archived"]
('7', 12.5, True, False)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ingestion.hubspot.objects import TYPES


def parse_timestamp(value: str | None) -> datetime | None:
    """HubSpot datetimes: ISO 8601 in UTC (``...Z``), or epoch milliseconds as a string."""
    if value is None or value == "":
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def epoch_ms(value: datetime) -> int:
    return round(value.timestamp() * 1000)


def parse_value(prop: str, value: Any) -> Any:
    """One property value, typed as ``TYPES`` says (text when not listed)."""
    if value is None or value == "":
        return None
    kind = TYPES.get(prop, "text")
    if kind == "timestamp":
        return parse_timestamp(str(value))
    if kind == "bool":
        return str(value).lower() == "true"
    if kind == "double":
        return float(value)
    if kind == "bigint":
        return int(float(value))
    return str(value)


def to_row(obj: dict[str, Any], properties: tuple[str, ...]) -> dict[str, Any]:
    """A search / batch-read / list result as a flat raw row."""
    props = obj.get("properties") or {}
    row: dict[str, Any] = {"id": str(obj["id"])}
    for prop in properties:
        row[prop] = parse_value(prop, props.get(prop))
    row["archived"] = bool(obj.get("archived", False))
    row["archived_at"] = parse_timestamp(obj.get("archivedAt"))
    return row


def modified_at(obj: dict[str, Any], prop: str) -> datetime:
    """The object's modification time (the search cursor)."""
    value = parse_timestamp((obj.get("properties") or {}).get(prop))
    if value is None:
        raise ValueError(f"HubSpot object {obj.get('id')} has no {prop}")
    return value


def stage_history_rows(obj: dict[str, Any], prop: str = "dealstage") -> list[dict[str, Any]]:
    """One row per entry of a deal's ``propertiesWithHistory.dealstage`` (newest first in
    the API; returned oldest first). HubSpot keeps every set of the property, so a stage
    re-entered after a regression appears once per entry."""
    history = (obj.get("propertiesWithHistory") or {}).get(prop) or []
    rows = [
        {
            "deal_id": str(obj["id"]),
            "stage_id": str(entry["value"]),
            "entered_at": parse_timestamp(entry["timestamp"]),
            "source_type": entry.get("sourceType"),
            "source_id": None if entry.get("sourceId") is None else str(entry["sourceId"]),
            "updated_by_user_id": None
            if entry.get("updatedByUserId") is None
            else str(entry["updatedByUserId"]),
        }
        for entry in history
        if entry.get("value") not in (None, "")
    ]
    return sorted(rows, key=lambda r: (r["entered_at"], r["stage_id"]))


def first_association_ids(results: list[dict[str, Any]]) -> dict[str, str]:
    """From a v4 associations batch-read answer: object id -> first associated id (the one
    labelled Primary when there is one, else the lowest id)."""
    out: dict[str, str] = {}
    for result in results:
        targets = result.get("to") or []
        if not targets:
            continue

        def rank(target: dict[str, Any]) -> tuple[int, int]:
            labels = [t.get("label") for t in target.get("associationTypes") or []]
            return (0 if "Primary" in labels else 1, int(target["toObjectId"]))

        out[str(result["from"]["id"])] = str(min(targets, key=rank)["toObjectId"])
    return out
