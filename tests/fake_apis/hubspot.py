"""A fake HubSpot CRM v3 API over a world converted from the demo CRM.

Implements the real paths, payload shapes and limits the connector relies on:

- ``POST /crm/v3/objects/<type>/search``: filterGroups (GTE/GT/EQ/LT/LTE on datetime
  properties as epoch ms, on ``hs_object_id`` as integers), one sort, ``limit`` <= 100
  (400 beyond), offset paging with ``after``, and the result cap (10,000 in HubSpot,
  ``search_cap`` here): a query paging past it gets a 400. Archived records never match.
- ``POST /crm/v3/objects/<type>/batch/read`` (<= 100 inputs, <= 50 with
  ``propertiesWithHistory``), history newest first as HubSpot returns it.
- ``POST /crm/v4/associations/<from>/<to>/batch/read`` (207 with ``errors`` for records
  without associations).
- ``GET /crm/v3/objects/<type>?archived=true`` with properties, history and associations.
- ``GET /crm/v3/owners`` (with ``teams``), ``GET /crm/v3/pipelines/deals`` (stage
  ``metadata.probability`` "0.0".."1.0" and ``metadata.isClosed`` as strings),
  ``GET /settings/v3/currencies/company-currency`` and ``.../exchange-rates``.

Every search body is kept in ``searches`` (the base request log has no bodies), so tests
can check what an incremental run asked for. ``fail_after`` makes every request after
the N-th answered so far fail with a non-retryable 400 (a run dying midway).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ingestion.demo_crm import DemoCrmConfig, generate_tables
from tests.fake_apis.server import FakeApi

SEARCH_CAP = 10_000
ID_BASE = {
    "companies": 20_000_000_000,
    "contacts": 30_000_000_000,
    "deals": 40_000_000_000,
    "calls": 51_000_000_000,
    "emails": 52_000_000_000,
    "meetings": 53_000_000_000,
    "notes": 54_000_000_000,
    "tasks": 55_000_000_000,
}
FORECAST = {
    "pipeline": "PIPELINE",
    "best_case": "BEST_CASE",
    "commit": "COMMIT",
    "closed": "CLOSED",
    "omitted": "OMIT",
}
MODIFIED = {"contacts": "lastmodifieddate"}


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def ms(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


def _num(demo_id: str) -> int:
    return int(demo_id.rsplit("-", 1)[1])


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class HubSpotRecord:
    """One CRM record as the fake stores it."""

    id: str
    properties: dict[str, str | None]
    archived_at: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # dealstage, oldest first

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def as_json(self, properties: list[str] | None, with_history: list[str] = ()) -> dict:
        props = (
            self.properties
            if properties is None
            else {p: self.properties.get(p) for p in properties}
        )
        props = {**props, "hs_object_id": self.id}
        out: dict[str, Any] = {
            "id": self.id,
            "properties": props,
            "createdAt": self.properties.get("createdate") or self.properties.get("hs_createdate"),
            "updatedAt": self.properties.get("hs_lastmodifieddate")
            or self.properties.get("lastmodifieddate"),
            "archived": self.archived,
        }
        if self.archived:
            out["archivedAt"] = self.archived_at
        if "dealstage" in with_history:
            out["propertiesWithHistory"] = {"dealstage": list(reversed(self.history))}
        return out


@dataclass
class FakeHubSpot(FakeApi):
    """HubSpot over ``DemoCrmConfig(size=size)``; see the module docstring."""

    size: int = 150
    search_cap: int = SEARCH_CAP
    fail_after: int | None = None
    searches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._served = 0
        self.objects: dict[str, dict[str, HubSpotRecord]] = {t: {} for t in ID_BASE}
        self.associations: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.owners: list[dict[str, Any]] = []
        self.pipelines: list[dict[str, Any]] = []
        self.rates: list[dict[str, Any]] = []
        self._build(generate_tables(DemoCrmConfig(size=self.size)))

    # -- the world --------------------------------------------------------------------------

    def _associate(self, from_type: str, from_id: str, to_type: str, to_id: str | None) -> None:
        if to_id is None:
            return
        self.associations.setdefault((from_type, to_type), {}).setdefault(from_id, []).append(to_id)
        back = self.associations.setdefault((to_type, from_type), {})
        back.setdefault(to_id, []).append(from_id)

    def _build(self, tables: dict[str, Any]) -> None:
        users = tables["users"].to_pylist()
        teams = {t["team_id"]: t for t in tables["teams"].to_pylist()}
        self.team_ids = {team_id: str(9000 + i) for i, team_id in enumerate(sorted(teams))}
        self.owner_ids = {u["user_id"]: str(70_000_000 + i) for i, u in enumerate(users)}
        for i, u in enumerate(users):
            first, _, last = u["full_name"].partition(" ")
            team = teams.get(u["team_id"])
            hired = datetime(
                u["hire_date"].year, u["hire_date"].month, u["hire_date"].day, 9, tzinfo=UTC
            )
            self.owners.append(
                {
                    "id": self.owner_ids[u["user_id"]],
                    "email": u["email"],
                    "firstName": first,
                    "lastName": last,
                    "userId": 1_000_000 + i,
                    "createdAt": iso(hired),
                    "updatedAt": iso(u["updated_at"]),
                    "archived": u["left_date"] is not None,
                    "teams": []
                    if team is None
                    else [
                        {
                            "id": self.team_ids[u["team_id"]],
                            "name": team["team_name"],
                            "primary": True,
                        }
                    ],
                }
            )
        stages = tables["pipeline_stages"].to_pylist()
        self.stage_info = {s["stage_id"]: s for s in stages}
        for order, p in enumerate(tables["pipelines"].to_pylist()):
            self.pipelines.append(
                {
                    "id": p["pipeline_id"],
                    "label": p["pipeline_name"],
                    "displayOrder": order,
                    "archived": False,
                    "createdAt": "2023-01-01T00:00:00.000Z",
                    "updatedAt": "2023-01-01T00:00:00.000Z",
                    "stages": [
                        {
                            "id": s["stage_id"],
                            "label": s["stage_name"],
                            "displayOrder": s["stage_order"],
                            "metadata": {
                                "isClosed": _text(s["is_closed"]),
                                "probability": f"{s['probability'] / 100:.1f}",
                            },
                            "archived": False,
                        }
                        for s in stages
                        if s["pipeline_id"] == p["pipeline_id"]
                    ],
                }
            )
        # HubSpot keeps exchange rates as "units of the currency per 1 company currency",
        # typically updated monthly: the demo's daily rate on each month's first day.
        for r in tables["fx_rates"].to_pylist():
            if r["currency"] == "USD" or r["rate_date"].day != 1:
                continue
            at = datetime(r["rate_date"].year, r["rate_date"].month, 1, tzinfo=UTC)
            self.rates.append(
                {
                    "id": str(800_000 + len(self.rates)),
                    "fromCurrencyCode": r["currency"],
                    "toCurrencyCode": "USD",
                    "conversionRate": round(1 / r["usd_per_unit"], 6),
                    "effectiveAt": iso(at),
                    "createdAt": iso(at),
                    "updatedAt": iso(at),
                    "visibleInUI": True,
                }
            )
        for a in tables["accounts"].to_pylist():
            rec = HubSpotRecord(
                str(ID_BASE["companies"] + _num(a["account_id"])),
                {
                    "name": a["account_name"],
                    "industry": a["industry"],
                    "country": a["country"],
                    "createdate": iso(a["created_at"]),
                    "hs_lastmodifieddate": iso(a["updated_at"]),
                },
            )
            if a["is_deleted"]:
                rec.archived_at = iso(a["updated_at"])
            self.objects["companies"][rec.id] = rec
        for c in tables["contacts"].to_pylist():
            first, _, last = c["full_name"].partition(" ")
            rec = HubSpotRecord(
                str(ID_BASE["contacts"] + _num(c["contact_id"])),
                {
                    "firstname": first,
                    "lastname": last,
                    "email": c["email"],
                    "jobtitle": c["title"],
                    "associatedcompanyid": self._company(c["account_id"]),
                    "createdate": iso(c["created_at"]),
                    "lastmodifieddate": iso(c["updated_at"]),
                },
            )
            self.objects["contacts"][rec.id] = rec
        self._build_deals(tables)
        self._build_engagements(tables)

    def _company(self, account_id: str | None) -> str | None:
        return None if account_id is None else str(ID_BASE["companies"] + _num(account_id))

    def _build_deals(self, tables: dict[str, Any]) -> None:
        latest: dict[str, dict[str, Any]] = {}
        for d in tables["deals"].to_pylist():  # the demo's stale duplicate versions dropped
            if d["deal_id"] not in latest or d["updated_at"] > latest[d["deal_id"]]["updated_at"]:
                latest[d["deal_id"]] = d
        history: dict[str, list[dict[str, Any]]] = {}
        for h in sorted(tables["deal_stage_history"].to_pylist(), key=lambda h: h["entered_at"]):
            history.setdefault(h["deal_id"], []).append(h)
        for d in latest.values():
            deal_id = str(ID_BASE["deals"] + _num(d["deal_id"]))
            entries = [
                self._history_entry(h["stage_id"], h["entered_at"], d["owner_id"])
                for h in history.get(d["deal_id"], [])
            ]
            if not entries or entries[-1]["value"] != d["stage_id"]:
                # HubSpot's history always ends at the current value
                entries.append(self._history_entry(d["stage_id"], d["updated_at"], d["owner_id"]))
            close = d["closed_at"] or (
                datetime(
                    d["expected_close_date"].year,
                    d["expected_close_date"].month,
                    d["expected_close_date"].day,
                    tzinfo=UTC,
                )
                if d["expected_close_date"]
                else None
            )
            modified = max(d["updated_at"], max(ms_dt(e["timestamp"]) for e in entries))
            rec = HubSpotRecord(
                deal_id,
                {
                    "dealname": d["deal_name"],
                    "pipeline": d["pipeline_id"],
                    "dealstage": d["stage_id"],
                    "amount": _text(d["amount"]),
                    "deal_currency_code": d["currency"],
                    "closedate": iso(close),
                    "createdate": iso(d["created_at"]),
                    "hs_lastmodifieddate": iso(modified),
                    "hs_is_closed": _text(d["is_closed"]),
                    "hs_is_closed_won": _text(d["is_won"]),
                    "closed_lost_reason": d["loss_reason"],
                    "hubspot_owner_id": self.owner_ids.get(d["owner_id"]),
                    "hs_deal_stage_probability": f"{d['probability'] / 100:.2f}",
                    "hs_manual_forecast_category": FORECAST.get(d["forecast_category"]),
                    "dealtype": "newbusiness"
                    if d["pipeline_id"] == "new_business"
                    else "existingbusiness",
                },
                history=entries,
            )
            if d["is_deleted"]:
                rec.archived_at = iso(d["updated_at"])
            self.objects["deals"][deal_id] = rec
            self._associate("deals", deal_id, "companies", self._company(d["account_id"]))

    def _history_entry(self, stage_id: str, at: datetime, owner: str | None) -> dict[str, Any]:
        user = self.owner_ids.get(owner or "")
        return {
            "value": stage_id,
            "timestamp": iso(at),
            "sourceType": "CRM_UI",
            "sourceId": None if user is None else f"userId:{user}",
            "updatedByUserId": None if user is None else int(user),
        }

    def _build_engagements(self, tables: dict[str, Any]) -> None:
        events: dict[str, set[str]] = {}
        for e in tables["email_events"].to_pylist():
            events.setdefault(e["activity_id"], set()).add(e["event_type"])
        for a in tables["activities"].to_pylist():
            n = _num(a["activity_id"])
            kind = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "meetings"}[
                a["activity_type"]
            ]
            at = a["occurred_at"]
            props: dict[str, str | None] = {
                "hs_timestamp": iso(at),
                "hubspot_owner_id": self.owner_ids.get(a["owner_id"]),
                "hs_createdate": iso(at),
                "hs_lastmodifieddate": iso(at + timedelta(minutes=5)),
            }
            minutes = a["duration_minutes"]
            if kind == "calls":
                props["hs_call_duration"] = None if minutes is None else str(minutes * 60_000)
                props["hs_call_status"] = "COMPLETED"
            elif kind == "meetings":
                props["hs_meeting_start_time"] = iso(at)
                props["hs_meeting_end_time"] = (
                    None if minutes is None else iso(at + timedelta(minutes=minutes))
                )
                props["hs_activity_type"] = (
                    "Demo" if a["activity_type"] == "demo" else "Discovery call"
                )
                props["hs_meeting_outcome"] = "COMPLETED"
            else:
                seen = events.get(a["activity_id"], set())
                props["hs_email_direction"] = "EMAIL"
                props["hs_email_status"] = "SENT" if "delivered" in seen else "BOUNCED"
                props["hs_email_open_count"] = "1" if "opened" in seen else "0"
            self._add_engagement(kind, n, props, a)
            if kind == "calls" and n % 4 == 0:  # a logged note beside some calls
                self._add_engagement("notes", n, {**_base(props)}, a)
            if kind == "meetings" and n % 5 == 0:  # a follow-up task after some meetings
                task = {**_base(props), "hs_task_type": "TODO", "hs_task_status": "COMPLETED"}
                self._add_engagement("tasks", n, task, a)

    def _add_engagement(self, kind: str, n: int, props: dict[str, str | None], a: dict) -> None:
        rec = HubSpotRecord(str(ID_BASE[kind] + n), props)
        self.objects[kind][rec.id] = rec
        if a["deal_id"] is not None:
            self._associate(kind, rec.id, "deals", str(ID_BASE["deals"] + _num(a["deal_id"])))
        self._associate(kind, rec.id, "companies", self._company(a["account_id"]))

    # -- what tests compare against ---------------------------------------------------------

    def live_ids(self, object_type: str) -> set[str]:
        return {i for i, r in self.objects[object_type].items() if not r.archived}

    def all_ids(self, object_type: str) -> set[str]:
        return set(self.objects[object_type])

    def stage_history(self) -> set[tuple[str, str, datetime]]:
        return {
            (deal_id, e["value"], ms_dt(e["timestamp"]))
            for deal_id, rec in self.objects["deals"].items()
            for e in rec.history
        }

    def latest_modified(self, object_type: str | None = None) -> datetime:
        """The latest modification time, of one object type or of all."""
        return max(
            ms_dt(rec.properties[MODIFIED.get(t, "hs_lastmodifieddate")])
            for t, recs in self.objects.items()
            if object_type in (None, t)
            for rec in recs.values()
        )

    # -- changes between runs ---------------------------------------------------------------

    def mutate(self, changes: int = 10) -> dict[str, set[str]]:
        """Change the world after the last modification time: advance ``changes`` open
        deals one stage (or to closed won), move one back a stage, change amounts, add new
        deals (with a new company and a call), archive a deal, edit a contact. Returns the
        ids changed per object type (what an incremental run must load)."""
        now = self.latest_modified() + timedelta(hours=1)
        changed: dict[str, set[str]] = {t: set() for t in ID_BASE}

        def tick() -> str:
            nonlocal now
            now += timedelta(seconds=7)
            return iso(now)

        deals = sorted(self.objects["deals"].values(), key=lambda r: r.id)
        open_deals = [
            r for r in deals if not r.archived and r.properties["hs_is_closed"] == "false"
        ]
        for rec in open_deals[:changes]:
            self._move(rec, self._next_stage(rec.properties["dealstage"], +1), tick())
            changed["deals"].add(rec.id)
        regress = [
            r
            for r in open_deals[changes:]
            if self.stage_info[r.properties["dealstage"]]["stage_order"] > 1
        ]
        if regress:
            rec = regress[0]
            self._move(rec, self._next_stage(rec.properties["dealstage"], -1), tick())
            changed["deals"].add(rec.id)
        closed = [r for r in deals if not r.archived and r.properties["hs_is_closed"] == "true"]
        for rec in closed[: changes // 2]:
            rec.properties["amount"] = _text(float(rec.properties["amount"] or 0) + 100.0)
            rec.properties["hs_lastmodifieddate"] = tick()
            changed["deals"].add(rec.id)
        victim = closed[changes // 2]
        victim.archived_at = tick()
        victim.properties["hs_lastmodifieddate"] = victim.archived_at
        changed["deals"].add(victim.id)
        owner = self.owners[0]["id"]
        for k in range(max(1, changes // 3)):
            company = str(ID_BASE["companies"] + 900_000 + k + len(self.objects["companies"]))
            at = tick()
            self.objects["companies"][company] = HubSpotRecord(
                company,
                {
                    "name": f"New Co {company}",
                    "industry": "Software",
                    "country": "US",
                    "createdate": at,
                    "hs_lastmodifieddate": at,
                },
            )
            changed["companies"].add(company)
            deal = str(ID_BASE["deals"] + 900_000 + k + len(self.objects["deals"]))
            first = self.pipelines[0]["stages"][0]["id"]
            self.objects["deals"][deal] = HubSpotRecord(
                deal,
                {
                    "dealname": f"New deal {deal}",
                    "pipeline": self.pipelines[0]["id"],
                    "dealstage": first,
                    "amount": "12000.0",
                    "deal_currency_code": "EUR",
                    "closedate": at,
                    "createdate": at,
                    "hs_lastmodifieddate": at,
                    "hs_is_closed": "false",
                    "hs_is_closed_won": "false",
                    "closed_lost_reason": None,
                    "hubspot_owner_id": owner,
                    "hs_deal_stage_probability": "0.10",
                    "hs_manual_forecast_category": "PIPELINE",
                    "dealtype": "newbusiness",
                },
                history=[
                    {
                        "value": first,
                        "timestamp": at,
                        "sourceType": "CRM_UI",
                        "sourceId": None,
                        "updatedByUserId": None,
                    }
                ],
            )
            self._associate("deals", deal, "companies", company)
            changed["deals"].add(deal)
            call = str(ID_BASE["calls"] + 900_000 + k + len(self.objects["calls"]))
            self.objects["calls"][call] = HubSpotRecord(
                call,
                {
                    "hs_timestamp": at,
                    "hubspot_owner_id": owner,
                    "hs_createdate": at,
                    "hs_lastmodifieddate": at,
                    "hs_call_duration": "600000",
                    "hs_call_status": "COMPLETED",
                },
            )
            self._associate("calls", call, "deals", deal)
            self._associate("calls", call, "companies", company)
            changed["calls"].add(call)
        contact = sorted(self.objects["contacts"].values(), key=lambda r: r.id)[0]
        contact.properties["jobtitle"] = "Chief Revenue Officer"
        contact.properties["lastmodifieddate"] = tick()
        changed["contacts"].add(contact.id)
        return changed

    def touch_at_once(self, object_type: str, count: int) -> set[str]:
        """A bulk edit: ``count`` records get the very same modification time."""
        prop = MODIFIED.get(object_type, "hs_lastmodifieddate")
        at = iso(self.latest_modified() + timedelta(hours=1))
        recs = sorted(
            (r for r in self.objects[object_type].values() if not r.archived), key=lambda r: r.id
        )
        for rec in recs[:count]:
            rec.properties[prop] = at
        return {r.id for r in recs[:count]}

    def _next_stage(self, stage_id: str, step: int) -> str:
        info = self.stage_info[stage_id]
        same = sorted(
            (s for s in self.stage_info.values() if s["pipeline_id"] == info["pipeline_id"]),
            key=lambda s: s["stage_order"],
        )
        order = [s["stage_id"] for s in same if not s["is_closed"]]
        won = next(s["stage_id"] for s in same if s["is_won"])
        pos = order.index(stage_id) + step
        return won if pos >= len(order) else order[max(pos, 0)]

    def _move(self, rec: HubSpotRecord, stage_id: str, at: str) -> None:
        info = self.stage_info[stage_id]
        rec.history.append(
            {
                "value": stage_id,
                "timestamp": at,
                "sourceType": "CRM_UI",
                "sourceId": None,
                "updatedByUserId": None,
            }
        )
        rec.properties.update(
            dealstage=stage_id,
            hs_is_closed=_text(info["is_closed"]),
            hs_is_closed_won=_text(info["is_won"]),
            hs_deal_stage_probability=f"{info['probability'] / 100:.2f}",
            hs_lastmodifieddate=at,
        )
        if info["is_closed"]:
            rec.properties["closedate"] = at

    # -- routing ----------------------------------------------------------------------------

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        self._served += 1
        if self.fail_after is not None and self._served > self.fail_after:
            return 400, {
                "status": "error",
                "message": "Simulated outage: bad request",
                "category": "VALIDATION_ERROR",
            }
        parts = path.strip("/").split("/")
        q = {k: v[-1] for k, v in query.items()}
        if method == "POST" and parts[:3] == ["crm", "v3", "objects"] and parts[4:] == ["search"]:
            return self._search(parts[3], body)
        if (
            method == "POST"
            and parts[:3] == ["crm", "v3", "objects"]
            and parts[4:] == ["batch", "read"]
        ):
            return self._batch_read(parts[3], body)
        if (
            method == "POST"
            and parts[:3] == ["crm", "v4", "associations"]
            and parts[5:] == ["batch", "read"]
        ):
            return self._association_read(parts[3], parts[4], body)
        if method == "GET" and parts[:3] == ["crm", "v3", "objects"] and len(parts) == 4:
            return self._list(parts[3], q)
        if method == "GET" and path == "/crm/v3/owners":
            return self._owners(q)
        if method == "GET" and path == "/crm/v3/pipelines/deals":
            return 200, {"results": self.pipelines}
        if method == "GET" and path == "/settings/v3/currencies/company-currency":
            return 200, {"currencyCode": "USD", "currencyName": "US Dollar"}
        if method == "GET" and path == "/settings/v3/currencies/exchange-rates":
            return self._paged(self.rates, q, 100)
        return 404, {"status": "error", "message": f"no route {method} {path}"}

    @staticmethod
    def _paged(items: list[Any], q: dict[str, str], max_limit: int) -> tuple[int, Any]:
        limit = int(q.get("limit", 10))
        if limit > max_limit:
            return 400, {"status": "error", "message": f"limit must be <= {max_limit}"}
        start = int(q.get("after", 0))
        out: dict[str, Any] = {"results": items[start : start + limit]}
        if start + limit < len(items):
            out["paging"] = {"next": {"after": str(start + limit), "link": "..."}}
        return 200, out

    def _owners(self, q: dict[str, str]) -> tuple[int, Any]:
        archived = q.get("archived", "false") == "true"
        return self._paged([o for o in self.owners if o["archived"] == archived], q, 500)

    def _list(self, object_type: str, q: dict[str, str]) -> tuple[int, Any]:
        if object_type not in self.objects:
            return 404, {"status": "error", "message": f"unknown object {object_type}"}
        history = [h for h in q.get("propertiesWithHistory", "").split(",") if h]
        archived = q.get("archived", "false") == "true"
        recs = sorted(
            (r for r in self.objects[object_type].values() if r.archived == archived),
            key=lambda r: r.id,
        )
        status, page = self._paged(recs, q, 50 if history else 100)
        if status != 200:
            return status, page
        props = [p for p in q.get("properties", "").split(",") if p] or None
        targets = [t for t in q.get("associations", "").split(",") if t]
        results = []
        for rec in page["results"]:
            item = rec.as_json(props, history)
            item["associations"] = {
                t: {
                    "results": [
                        {"id": i, "type": f"{object_type[:-1]}_to_{t[:-1]}"}
                        for i in self.associations.get((object_type, t), {}).get(rec.id, [])
                    ]
                }
                for t in targets
            }
            results.append(item)
        page["results"] = results
        return 200, page

    def _batch_read(self, object_type: str, body: dict[str, Any]) -> tuple[int, Any]:
        history = body.get("propertiesWithHistory") or []
        inputs = body.get("inputs") or []
        if len(inputs) > (50 if history else 100):
            return 400, {"status": "error", "message": "too many inputs"}
        results, errors = [], []
        for item in inputs:
            rec = self.objects.get(object_type, {}).get(str(item["id"]))
            if rec is None or rec.archived:
                errors.append(
                    {
                        "status": "error",
                        "category": "OBJECT_NOT_FOUND",
                        "context": {"ids": [item["id"]]},
                    }
                )
            else:
                results.append(rec.as_json(body.get("properties"), history))
        out: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            out["errors"] = errors
        return (207 if errors else 200), out

    def _association_read(
        self, from_type: str, to_type: str, body: dict[str, Any]
    ) -> tuple[int, Any]:
        links = self.associations.get((from_type, to_type), {})
        results, errors = [], []
        for item in body.get("inputs") or []:
            targets = links.get(str(item["id"]), [])
            if targets:
                results.append(
                    {
                        "from": {"id": str(item["id"])},
                        "to": [
                            {
                                "toObjectId": int(t),
                                "associationTypes": [
                                    {
                                        "category": "HUBSPOT_DEFINED",
                                        "typeId": 5 + k,
                                        "label": "Primary" if k == 0 else None,
                                    }
                                ],
                            }
                            for k, t in enumerate(targets)
                        ],
                    }
                )
            else:
                errors.append(
                    {
                        "status": "error",
                        "category": "OBJECT_NOT_FOUND",
                        "message": f"No {to_type} is associated with {from_type} {item['id']}.",
                    }
                )
        out: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            out["errors"] = errors
        return (207 if errors else 200), out

    def _search(self, object_type: str, body: dict[str, Any]) -> tuple[int, Any]:
        self.searches.append((object_type, body))
        if object_type not in self.objects:
            return 404, {"status": "error", "message": f"unknown object {object_type}"}
        limit = int(body.get("limit", 10))
        if limit > 100:
            return 400, {"status": "error", "message": "limit must be <= 100"}
        offset = int(body.get("after") or 0)
        if offset >= self.search_cap:
            return 400, {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": f"Cannot page past {self.search_cap} results",
            }

        def value(rec: HubSpotRecord, prop: str) -> int | None:
            if prop == "hs_object_id":
                return int(rec.id)
            raw = rec.properties.get(prop)
            return None if raw is None else ms(raw)

        def matches(rec: HubSpotRecord, f: dict[str, Any]) -> bool:
            v = value(rec, f["propertyName"])
            if v is None:
                return False
            x = int(f["value"])
            return {"GTE": v >= x, "GT": v > x, "EQ": v == x, "LT": v < x, "LTE": v <= x}[
                f["operator"]
            ]

        groups = body.get("filterGroups") or [{"filters": []}]
        hits = [
            rec
            for rec in self.objects[object_type].values()
            if not rec.archived and any(all(matches(rec, f) for f in g["filters"]) for g in groups)
        ]
        for sort in reversed(body.get("sorts") or [{"propertyName": "hs_object_id"}]):
            hits.sort(
                key=lambda r: (value(r, sort["propertyName"]) or 0, int(r.id)),
                reverse=sort.get("direction") == "DESCENDING",
            )
        visible = hits[: self.search_cap]
        out: dict[str, Any] = {
            "total": len(hits),
            "results": [
                r.as_json(body.get("properties") or None) for r in visible[offset : offset + limit]
            ],
        }
        if offset + limit < len(visible):
            out["paging"] = {"next": {"after": str(offset + limit)}}
        return 200, out


def _base(props: dict[str, str | None]) -> dict[str, str | None]:
    keys = ("hs_timestamp", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate")
    return {k: props[k] for k in keys}


def ms_dt(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def measure(size: int, faults: bool) -> None:  # pragma: no cover - a manual benchmark
    """Load the fake at the connector's default rate limits and print records/s."""
    import tempfile
    import time
    from pathlib import Path

    import duckdb

    from ingestion.hubspot.source import DATASET, hubspot_pipeline, hubspot_source
    from tests.fake_apis.server import FakeServer, Faults

    api = FakeHubSpot(size=size, faults=Faults.realistic() if faults else Faults())
    workdir = Path(tempfile.mkdtemp())
    with FakeServer(api) as server:
        pipeline = hubspot_pipeline(str(workdir / "w.duckdb"), str(workdir / "dlt"))
        start = time.perf_counter()
        pipeline.run(hubspot_source(base_url=server.base_url, api_token=api.token))
        elapsed = time.perf_counter() - start
    with duckdb.connect(str(workdir / "w.duckdb"), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ?"
            " and table_name not like '_dlt%'",
            [DATASET],
        ).fetchall()
        rows = sum(
            con.execute(f"select count(*) from {DATASET}.{t}").fetchall()[0][0] for (t,) in tables
        )
    print(
        f"size={size} faults={'realistic' if faults else 'off'}: {rows} records, "
        f"{len(api.requests)} requests, {elapsed:.1f} s, {rows / elapsed:.0f} records/s"
    )


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import os

    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    parser = argparse.ArgumentParser(description="records/s of the HubSpot connector")
    parser.add_argument("--size", type=int, default=150)
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args()
    measure(args.size, args.faults)
