"""A fake Pipedrive API over a ``PipedriveWorld`` (the demo CRM in Pipedrive's shape).

Serves what the connector reads, with Pipedrive's paths, parameters and payloads:

- API v2 lists ``/api/v2/{deals,activities,persons,organizations,pipelines,stages}``:
  ``limit`` (max 500), opaque ``cursor`` -> ``additional_data.next_cursor`` (null on the last
  page), ``updated_since`` / ``updated_until`` (RFC 3339, ``update_time >= since``),
  ``sort_by`` (id, update_time, add_time) and ``sort_direction``; deals take ``status``
  (comma-separated; without it every deal not deleted);
- API v1 ``/api/v1/users`` (one unpaginated list) and ``/api/v1/deals/{id}/flow`` (newest
  first, ``start``/``limit``, ``additional_data.pagination.more_items_in_collection``,
  ``items`` to filter object types; without it activities are mixed in; ``data`` is null
  when there is nothing to list, as Pipedrive does);
- authentication by the ``x-api-token`` header (the ``api_token`` query parameter also
  works, as on the real API; the tests check the connector never uses it).

``fail_after`` makes every request after that many served ones answer 403 (a
non-retryable error midway through a run).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.fake_apis.pipedrive_world import PipedriveWorld, parse
from tests.fake_apis.server import FakeApi

V2_LISTS = ("deals", "activities", "persons", "organizations", "pipelines", "stages")
FLOW_PATH = re.compile(r"^/api/v1/deals/(\d+)/flow$")
MAX_LIMIT = 500


def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"success": False, "error": message, "errorCode": status}


def _one(query: dict[str, list[str]], name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[0] if values else default


def _after(key: tuple[Any, Any], position: tuple[Any, Any], descending: bool) -> bool:
    return key < position if descending else key > position


@dataclass
class PipedriveFakeApi(FakeApi):
    world: PipedriveWorld | None = None
    fail_after: int | None = None
    served: int = 0
    flow_requests: list[int] = field(default_factory=list)

    def authorized(self, headers: Any, query: dict[str, list[str]]) -> bool:
        token = headers.get("x-api-token") or _one(query, "api_token")
        return token == self.token

    def advance(self, as_of: date) -> dict[str, set[int]]:
        """The CRM moves on to ``as_of``: see ``PipedriveWorld.advance``."""
        assert self.world is not None
        return self.world.advance(as_of)

    mutate = advance

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        assert self.world is not None
        if self.fail_after is not None and self.served >= self.fail_after:
            return _error(403, "Access to this resource is forbidden")
        self.served += 1
        if method != "GET":
            return _error(405, "Method not allowed")
        if path.startswith("/api/v2/") and path.removeprefix("/api/v2/") in V2_LISTS:
            return self._v2_list(path.removeprefix("/api/v2/"), query)
        if path == "/api/v1/users":
            return 200, {"success": True, "data": list(self.world.users.values())}
        match = FLOW_PATH.match(path)
        if match:
            return self._flow(int(match.group(1)), query)
        return _error(404, f"Unknown method {path}")

    def _v2_list(self, entity: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        records = list(getattr(self.world, entity).values())
        try:
            limit = int(_one(query, "limit", "100") or 100)
            since = _one(query, "updated_since")
            until = _one(query, "updated_until")
            since_ts = parse(since) if since else None
            until_ts = parse(until) if until else None
        except ValueError:
            return _error(400, "Invalid parameter value")
        if not 1 <= limit <= MAX_LIMIT:
            return _error(400, "limit must be between 1 and 500")
        if entity == "deals":
            statuses = set((_one(query, "status") or "open,won,lost").split(","))
            records = [
                r
                for r in records
                if ("deleted" in statuses if r["is_deleted"] else r["status"] in statuses)
            ]
        elif entity in ("activities", "persons", "organizations"):
            records = [r for r in records if not r["is_deleted"]]
        if since_ts is not None:
            records = [r for r in records if parse(r["update_time"]) >= since_ts]
        if until_ts is not None:
            records = [r for r in records if parse(r["update_time"]) < until_ts]
        sort_by = _one(query, "sort_by", "id") or "id"
        if sort_by not in ("id", "update_time", "add_time"):
            return _error(400, "sort_by must be one of id, update_time, add_time")
        descending = _one(query, "sort_direction", "asc") == "desc"
        records.sort(key=lambda r: (r[sort_by], r["id"]), reverse=descending)
        cursor = _one(query, "cursor")
        if cursor:
            try:
                after = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            except ValueError:
                return _error(400, "Invalid cursor")
            position = (after[0], after[1])
            records = [r for r in records if _after((r[sort_by], r["id"]), position, descending)]
        page, rest = records[:limit], records[limit:]
        next_cursor = None
        if rest:
            last = page[-1]
            next_cursor = base64.urlsafe_b64encode(
                json.dumps([last[sort_by], last["id"]]).encode()
            ).decode()
        return 200, {"success": True, "data": page, "additional_data": {"next_cursor": next_cursor}}

    def _flow(self, deal_id: int, query: dict[str, list[str]]) -> tuple[int, Any]:
        assert self.world is not None
        if deal_id not in self.world.deals:
            return _error(404, "Deal not found")
        self.flow_requests.append(deal_id)
        items = list(self.world.flows[deal_id])
        wanted = _one(query, "items")
        if wanted is None:
            items += [
                {"object": "activity", "timestamp": a["add_time"].replace("T", " ").rstrip("Z"),
                 "data": {"id": a["id"], "deal_id": deal_id, "type": a["type"]}}
                for a in self.world.activities.values()
                if a["deal_id"] == deal_id
            ]  # fmt: skip
        else:
            items = [i for i in items if i["object"] in wanted.split(",")]
        items.sort(key=lambda i: (i["timestamp"], i["data"]["id"]), reverse=True)
        start = int(_one(query, "start", "0") or 0)
        limit = min(int(_one(query, "limit", "100") or 100), MAX_LIMIT)
        page = items[start : start + limit]
        more = start + limit < len(items)
        return 200, {
            "success": True,
            "data": page or None,
            "additional_data": {
                "pagination": {
                    "start": start,
                    "limit": limit,
                    "more_items_in_collection": more,
                    **({"next_start": start + limit} if more else {}),
                }
            },
        }
