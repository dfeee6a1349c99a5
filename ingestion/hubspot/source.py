"""The HubSpot dlt source: one resource per raw table in ``raw_hubspot``.

>>> source = hubspot_source(api_token="x")
>>> sorted(source.resources)[:4]
['calls', 'companies', 'contacts', 'deals']

* CRM objects (deals, companies, contacts, calls, emails, meetings, notes, tasks) are
  loaded incrementally by modification time through the search API (keyset pages, see
  ``api.py``), ``merge`` on ``id``. Deals are then read in batches with
  ``propertiesWithHistory=dealstage`` (the search API returns no history and no
  associations), which also lands ``deal_stage_history``; associations (deal -> company,
  engagement -> deal and company) come from the v4 associations batch read.
* Deleted (archived) deals and companies never show in search: they are listed with
  ``archived=true`` on every run and the ones archived since the last run are merged in
  with ``archived = true``.
* Owners (and their teams), pipelines (and their stages) and exchange rates are small and
  have no modification filter: full reload, ``merge`` on their keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from ingestion.common.http import ApiLimits
from ingestion.hubspot.api import HISTORY_BATCH, LIST_PAGE, HubSpotApi
from ingestion.hubspot.limits import DEFAULT_LIMITS, DEFAULT_SEARCH_LIMITS
from ingestion.hubspot.objects import (
    SEARCHED_OBJECTS,
    STAGE_HISTORY_COLUMNS,
    STAGE_HISTORY_KEY,
    CrmObject,
)
from ingestion.hubspot.records import (
    first_association_ids,
    parse_timestamp,
    stage_history_rows,
    to_row,
)

DATASET = "raw_hubspot"
DEFAULT_BASE_URL = "https://api.hubapi.com"
DEFAULT_START = "2000-01-01T00:00:00+00:00"

OWNER_COLUMNS: dict[str, dict[str, object]] = {
    "id": {"data_type": "text", "nullable": False},
    "email": {"data_type": "text"},
    "first_name": {"data_type": "text"},
    "last_name": {"data_type": "text"},
    "user_id": {"data_type": "text"},
    "primary_team_id": {"data_type": "text"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
    "archived": {"data_type": "bool"},
}
TEAM_COLUMNS: dict[str, dict[str, object]] = {
    "id": {"data_type": "text", "nullable": False},
    "name": {"data_type": "text"},
}
PIPELINE_COLUMNS: dict[str, dict[str, object]] = {
    "id": {"data_type": "text", "nullable": False},
    "label": {"data_type": "text"},
    "display_order": {"data_type": "bigint"},
    "archived": {"data_type": "bool"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
}
STAGE_COLUMNS: dict[str, dict[str, object]] = {
    "pipeline_id": {"data_type": "text", "nullable": False},
    "id": {"data_type": "text", "nullable": False},
    "label": {"data_type": "text"},
    "display_order": {"data_type": "bigint"},
    # metadata.probability: "0.0".."1.0" as a string; metadata.isClosed: "true"/"false"
    "probability": {"data_type": "text"},
    "is_closed": {"data_type": "text"},
    "archived": {"data_type": "bool"},
}
RATE_COLUMNS: dict[str, dict[str, object]] = {
    "id": {"data_type": "text", "nullable": False},
    "from_currency_code": {"data_type": "text"},
    "to_currency_code": {"data_type": "text"},
    "conversion_rate": {"data_type": "double"},
    "effective_at": {"data_type": "timestamp"},
    "created_at": {"data_type": "timestamp"},
    "updated_at": {"data_type": "timestamp"},
    "visible_in_ui": {"data_type": "bool"},
}
COMPANY_CURRENCY_COLUMNS: dict[str, dict[str, object]] = {
    "currency_code": {"data_type": "text", "nullable": False},
    "currency_name": {"data_type": "text"},
}


def _rows(
    rows: list[dict[str, Any]],
    table: str,
    columns: dict[str, dict[str, object]],
    primary_key: str | list[str],
    write_disposition: str = "merge",
) -> Any:
    """``rows`` for ``table`` with that table's own hints. Every table, the resource's own
    included, gets its hints this way: one resource can then fill several tables from the
    same requests without them sharing column hints."""
    hints = dlt.mark.make_hints(
        table_name=table,
        columns=columns,
        primary_key=primary_key,
        write_disposition=write_disposition,  # type: ignore[arg-type]
    )
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)


# -- full-reload resources ---------------------------------------------------------------


def owners_resource(api: HubSpotApi) -> DltResource:
    @dlt.resource(
        name="owners",
        write_disposition="merge",
        primary_key="id",
    )
    def owners() -> Iterator[Any]:
        teams: dict[str, dict[str, Any]] = {}
        for archived in ("false", "true"):
            params = {"limit": LIST_PAGE, "archived": archived}
            for page in api.list_pages("/crm/v3/owners", params):
                rows = []
                for owner in page:
                    owner_teams = owner.get("teams") or []
                    primary = next((t for t in owner_teams if t.get("primary")), None)
                    primary = primary or (owner_teams[0] if owner_teams else None)
                    for team in owner_teams:
                        teams[str(team["id"])] = {"id": str(team["id"]), "name": team.get("name")}
                    rows.append(
                        {
                            "id": str(owner["id"]),
                            "email": owner.get("email"),
                            "first_name": owner.get("firstName"),
                            "last_name": owner.get("lastName"),
                            "user_id": None
                            if owner.get("userId") is None
                            else str(owner["userId"]),
                            "primary_team_id": None if primary is None else str(primary["id"]),
                            "created_at": parse_timestamp(owner.get("createdAt")),
                            "updated_at": parse_timestamp(owner.get("updatedAt")),
                            "archived": bool(owner.get("archived", archived == "true")),
                        }
                    )
                yield _rows(rows, "owners", OWNER_COLUMNS, "id")
        yield _rows(list(teams.values()), "teams", TEAM_COLUMNS, "id")

    return owners


def pipelines_resource(api: HubSpotApi) -> DltResource:
    @dlt.resource(
        name="pipelines",
        write_disposition="merge",
        primary_key="id",
    )
    def pipelines() -> Iterator[Any]:
        results = api.get("/crm/v3/pipelines/deals").get("results") or []
        pipelines = [
            {
                "id": str(p["id"]),
                "label": p.get("label"),
                "display_order": p.get("displayOrder"),
                "archived": bool(p.get("archived", False)),
                "created_at": parse_timestamp(p.get("createdAt")),
                "updated_at": parse_timestamp(p.get("updatedAt")),
            }
            for p in results
        ]
        yield _rows(pipelines, "pipelines", PIPELINE_COLUMNS, "id")
        stages = [
            {
                "pipeline_id": str(p["id"]),
                "id": str(s["id"]),
                "label": s.get("label"),
                "display_order": s.get("displayOrder"),
                "probability": (s.get("metadata") or {}).get("probability"),
                "is_closed": (s.get("metadata") or {}).get("isClosed"),
                "archived": bool(s.get("archived", False)),
            }
            for p in results
            for s in p.get("stages") or []
        ]
        yield _rows(stages, "pipeline_stages", STAGE_COLUMNS, ["pipeline_id", "id"])

    return pipelines


def exchange_rates_resource(api: HubSpotApi) -> DltResource:
    @dlt.resource(
        name="exchange_rates",
        write_disposition="merge",
        primary_key="id",
    )
    def exchange_rates() -> Iterator[Any]:
        company = api.get("/settings/v3/currencies/company-currency")
        current = {
            "currency_code": company["currencyCode"],
            "currency_name": company.get("currencyName"),
        }
        yield _rows(
            [current], "company_currency", COMPANY_CURRENCY_COLUMNS, "currency_code", "replace"
        )
        for page in api.list_pages("/settings/v3/currencies/exchange-rates", {"limit": LIST_PAGE}):
            rates = [
                {
                    "id": str(r["id"]),
                    "from_currency_code": r.get("fromCurrencyCode"),
                    "to_currency_code": r.get("toCurrencyCode"),
                    "conversion_rate": float(r["conversionRate"]),
                    "effective_at": parse_timestamp(r.get("effectiveAt")),
                    "created_at": parse_timestamp(r.get("createdAt")),
                    "updated_at": parse_timestamp(r.get("updatedAt")),
                    "visible_in_ui": r.get("visibleInUI"),
                }
                for r in page
            ]
            yield _rows(rates, "exchange_rates", RATE_COLUMNS, "id")

    return exchange_rates


# -- incremental CRM objects -------------------------------------------------------------


def _with_associations(api: HubSpotApi, obj: CrmObject, rows: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in rows]
    for to_type, column in obj.associations:
        firsts = first_association_ids(api.associations(obj.name, to_type, ids))
        for row in rows:
            row[column] = firsts.get(row["id"])


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _history(rows: list[dict[str, Any]]) -> Any:
    return _rows(rows, "deal_stage_history", STAGE_HISTORY_COLUMNS, list(STAGE_HISTORY_KEY))


def _archived_pages(
    api: HubSpotApi, obj: CrmObject, since: datetime | None
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Objects archived (deleted) after ``since``, as rows with ``archived = true``; their
    modification time is raised to the archive time (a deletion is a change)."""
    params: dict[str, Any] = {
        "archived": "true",
        "limit": HISTORY_BATCH if obj.with_history else LIST_PAGE,
        "properties": ",".join(obj.properties),
    }
    if obj.with_history:
        params["propertiesWithHistory"] = ",".join(obj.with_history)
    targets = [to_type for to_type, _ in obj.associations]
    if targets:
        params["associations"] = ",".join(targets)
    for page in api.list_pages(f"/crm/v3/objects/{obj.name}", params):
        chosen = [
            o
            for o in page
            if since is None or (parse_timestamp(o.get("archivedAt")) or since) > since
        ]
        rows = []
        for o in chosen:
            row = to_row(o, obj.properties)
            row["archived"] = True
            archived_at = row["archived_at"]
            current = row[obj.modified]
            if archived_at is not None and (current is None or current < archived_at):
                row[obj.modified] = archived_at
            for to_type, column in obj.associations:
                linked = ((o.get("associations") or {}).get(to_type) or {}).get("results") or []
                row[column] = str(min(int(a["id"]) for a in linked)) if linked else None
            rows.append(row)
        history = [h for o in chosen for h in stage_history_rows(o)] if obj.with_history else []
        yield rows, history


def crm_object_resource(api: HubSpotApi, obj: CrmObject, start: str) -> DltResource:
    """``obj`` incrementally: every object modified since the last run (``merge`` on id)."""

    cursor = dlt.sources.incremental(
        obj.modified,
        initial_value=datetime.fromisoformat(start),
        # deal_stage_history rows (same resource, another table) carry no cursor
        on_cursor_value_missing="include",
    )

    @dlt.resource(
        name=obj.name,
        write_disposition="merge",
        primary_key="id",
    )
    def crm_objects(modified: dlt.sources.incremental[datetime] = cursor) -> Iterator[Any]:
        state = dlt.current.resource_state()
        since: datetime = modified.start_value
        boundary = state.get("boundary") or {}
        last_at = _instant(boundary.get("at"))
        seen = boundary.get("ids", []) if last_at == since else []
        last_ids = list(seen)
        pages = api.search_modified_since(obj.name, obj.modified, obj.properties, since, seen)
        for page in pages:
            ids = [str(r["id"]) for r in page]
            if obj.with_history:
                # batch read: the same properties (fresher) plus the history searched lacks
                page = api.batch_read(obj.name, ids, obj.properties, obj.with_history)
            rows = [to_row(r, obj.properties) for r in page]
            if obj.associations:
                _with_associations(api, obj, rows)
            yield _rows(rows, obj.name, obj.columns, "id")
            if obj.with_history:
                yield _history([h for r in page for h in stage_history_rows(r)])
            for row in rows:
                at = row[obj.modified]
                if last_at is None or at > last_at:
                    last_at, last_ids = at, [row["id"]]
                elif at == last_at:
                    last_ids.append(row["id"])
        state["boundary"] = {
            "at": None if last_at is None else last_at.isoformat(),
            "ids": last_ids,
        }
        if obj.track_archived:
            newest = _instant(state.get("archived_since"))
            for rows, history in _archived_pages(api, obj, newest):
                if rows:
                    yield _rows(rows, obj.name, obj.columns, "id")
                if history:
                    yield _history(history)
                for row in rows:
                    at = row["archived_at"]
                    if at is not None and (newest is None or at > newest):
                        newest = at
            state["archived_since"] = None if newest is None else newest.isoformat()

    return crm_objects


@dlt.source(name="hubspot")
def hubspot_source(
    base_url: str = DEFAULT_BASE_URL,
    api_token: str = dlt.secrets.value,
    start_date: str = DEFAULT_START,
    limits: ApiLimits | None = None,
    search_limits: ApiLimits | None = None,
) -> list[DltResource]:
    """Every HubSpot raw table. ``start_date`` (ISO 8601, UTC) bounds the first load of
    the incremental objects; ``limits`` / ``search_limits`` default to HubSpot's
    published private-app limits (``ingestion/hubspot/limits.py``)."""
    api = HubSpotApi(
        base_url, api_token, limits or DEFAULT_LIMITS, search_limits or DEFAULT_SEARCH_LIMITS
    )
    resources = [owners_resource(api), pipelines_resource(api), exchange_rates_resource(api)]
    resources += [crm_object_resource(api, obj, start_date) for obj in SEARCHED_OBJECTS]
    return resources


def hubspot_pipeline(warehouse: str, pipelines_dir: str | None = None) -> dlt.Pipeline:
    """The dlt pipeline landing ``hubspot_source`` in ``raw_hubspot`` of a DuckDB file."""
    return dlt.pipeline(
        pipeline_name="hubspot",
        destination=dlt.destinations.duckdb(warehouse),
        dataset_name=DATASET,
        pipelines_dir=pipelines_dir,
    )
