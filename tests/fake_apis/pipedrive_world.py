"""The demo CRM world in Pipedrive's shape, for the fake Pipedrive API.

``PipedriveWorld.build(config)`` converts the demo CRM's extract (``generate_tables``) into
Pipedrive records: API v2 deals, activities, persons, organizations, pipelines and stages,
API v1 users, and each deal's flow (API v1 ``dealChange`` entries). Pipedrive has no closed
stages: a won or lost deal stays in its last open stage with ``status`` won/lost, and the
flow records ``stage_id`` moves between open stages and ``status`` changes (a reopened deal
goes lost -> open). ``advance(as_of)`` extracts the same world at a later date and applies
the difference the way Pipedrive would: changed and new records get an ``update_time``
after the previous extract.

Ids: demo ids carry a number (``deal-000000123``); Pipedrive ids are that number + 1. Users
are numbered by role (reps 1000+n, managers 2000+n, the executive 3000+n); open stages
``pipeline * 10 + order``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.demo_crm import DemoCrmConfig, generate_tables

V1 = "%Y-%m-%d %H:%M:%S"
V2 = "%Y-%m-%dT%H:%M:%SZ"
USER_OFFSETS = {"rep": 1000, "mgr": 2000, "exec": 3000}
COUNTRY_NAMES = {
    "US": "United States", "CA": "Canada", "MX": "Mexico", "BR": "Brazil", "AR": "Argentina",
    "CL": "Chile", "CO": "Colombia", "GB": "United Kingdom", "DE": "Germany", "NL": "Netherlands",
    "ES": "Spain", "CH": "Switzerland", "ZA": "South Africa", "IN": "India", "JP": "Japan",
    "SG": "Singapore", "AU": "Australia", "NZ": "New Zealand", "FR": "France", "SE": "Sweden",
}  # fmt: skip


def custom_field_key(name: str) -> str:
    """A Pipedrive-like 40-character custom field key."""
    return hashlib.sha1(f"salespulse-{name}".encode()).hexdigest()


DEAL_FIELDS = {name: custom_field_key(name) for name in ("product", "competitor")}
ORGANIZATION_FIELDS = {
    name: custom_field_key(name) for name in ("segment", "industry", "region", "country")
}


def num(demo_id: str | None) -> int | None:
    """``deal-000000123`` -> 124 (Pipedrive ids start at 1)."""
    if demo_id is None:
        return None
    return int(demo_id.rsplit("-", 1)[1]) + 1


def user_num(demo_id: str | None) -> int | None:
    if demo_id is None:
        return None
    prefix, number = demo_id.split("-", 1)
    return USER_OFFSETS[prefix] + int(number)


def v1(ts: datetime | None) -> str | None:
    return None if ts is None else ts.astimezone(UTC).strftime(V1)


def v2(ts: datetime | None) -> str | None:
    return None if ts is None else ts.astimezone(UTC).strftime(V2)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _hhmm(minutes: int | None) -> str | None:
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class PipedriveWorld:
    config: DemoCrmConfig
    cutoff: datetime
    pipelines: dict[int, dict[str, Any]] = field(default_factory=dict)
    stages: dict[int, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[int, dict[str, Any]] = field(default_factory=dict)
    persons: dict[int, dict[str, Any]] = field(default_factory=dict)
    deals: dict[int, dict[str, Any]] = field(default_factory=dict)
    activities: dict[int, dict[str, Any]] = field(default_factory=dict)
    flows: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # demo stage id -> (pipeline id, open stage id or None, "won"/"lost"/None)
    stage_map: dict[str, tuple[int, int | None, str | None]] = field(default_factory=dict)

    ENTITIES = ("pipelines", "stages", "users", "organizations", "persons", "deals", "activities")

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def build(cls, config: DemoCrmConfig) -> PipedriveWorld:
        t = {name: table.to_pylist() for name, table in generate_tables(config).items()}
        world = cls(config=config, cutoff=config.cutoff)
        world._org(t)
        world._people(t)
        world._deals(t)
        world._activities(t)
        return world

    def _org(self, t: dict[str, list[dict[str, Any]]]) -> None:
        created = v2(datetime.combine(self.config.start_date, datetime.min.time(), UTC))
        for p_num, p in enumerate(t["pipelines"], start=1):
            self.pipelines[p_num] = {
                "id": p_num, "name": p["pipeline_name"], "order_nr": p_num, "is_deleted": False,
                "is_deal_probability_enabled": True, "add_time": created, "update_time": created,
            }  # fmt: skip
            for s in t["pipeline_stages"]:
                if s["pipeline_id"] != p["pipeline_id"]:
                    continue
                if s["is_closed"]:
                    self.stage_map[s["stage_id"]] = (p_num, None, "won" if s["is_won"] else "lost")
                    continue
                s_id = p_num * 10 + s["stage_order"]
                self.stage_map[s["stage_id"]] = (p_num, s_id, None)
                self.stages[s_id] = {
                    "id": s_id, "order_nr": s["stage_order"], "name": s["stage_name"],
                    "is_deleted": False, "deal_probability": s["probability"], "pipeline_id": p_num,
                    "is_deal_rot_enabled": False, "days_to_rotten": None,
                    "add_time": created, "update_time": created,
                }  # fmt: skip
        for u in t["users"]:
            is_admin = u["role"] != "rep"
            hired = datetime.combine(u["hire_date"], datetime.min.time(), UTC) + timedelta(hours=9)
            modified = max(u["updated_at"], hired)
            self.users[user_num(u["user_id"])] = {
                "id": user_num(u["user_id"]), "name": u["full_name"], "email": u["email"],
                "default_currency": "USD", "locale": "en_US", "lang": 1, "phone": None,
                "activated": True, "last_login": v1(modified), "created": v1(hired),
                "modified": v1(modified), "has_created_company": False,
                "access": [{"app": "sales", "admin": is_admin, "permission_set_id": "ps-1"}],
                "active_flag": u["left_date"] is None, "timezone_name": "UTC",
                "timezone_offset": "+00:00", "role_id": 1, "icon_url": None, "is_you": False,
                "is_admin": int(is_admin), "is_deleted": False,
            }  # fmt: skip

    def _people(self, t: dict[str, list[dict[str, Any]]]) -> None:
        owner = user_num("exec-0001")
        for a in t["accounts"]:
            self.organizations[num(a["account_id"])] = {
                "id": num(a["account_id"]), "name": a["account_name"], "owner_id": owner,
                "add_time": v2(a["created_at"]), "update_time": v2(a["updated_at"]),
                "is_deleted": bool(a["is_deleted"]), "visible_to": 3, "label_ids": [],
                "address": {
                    "value": f"1 Main Street, {COUNTRY_NAMES.get(a['country'], a['country'])}",
                    "country": COUNTRY_NAMES.get(a["country"], a["country"]),
                },
                "custom_fields": {
                    ORGANIZATION_FIELDS["segment"]: a["segment"],
                    ORGANIZATION_FIELDS["industry"]: a["industry"],
                    ORGANIZATION_FIELDS["region"]: a["region"],
                    ORGANIZATION_FIELDS["country"]: a["country"],
                },
            }  # fmt: skip
        for c in t["contacts"]:
            first, _, last = c["full_name"].partition(" ")
            self.persons[num(c["contact_id"])] = {
                "id": num(c["contact_id"]), "name": c["full_name"], "first_name": first,
                "last_name": last, "owner_id": owner, "org_id": num(c["account_id"]),
                "add_time": v2(c["created_at"]), "update_time": v2(c["updated_at"]),
                "is_deleted": False, "visible_to": 3, "job_title": c["title"],
                "emails": [{"value": c["email"], "primary": True, "label": "work"}],
                "phones": [], "label_ids": [], "custom_fields": {},
            }  # fmt: skip

    def _deals(self, t: dict[str, list[dict[str, Any]]]) -> None:
        latest: dict[str, dict[str, Any]] = {}
        for d in t["deals"]:  # the demo extract may hold stale versions: keep the latest
            if d["deal_id"] not in latest or d["updated_at"] > latest[d["deal_id"]]["updated_at"]:
                latest[d["deal_id"]] = d
        history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for h in t["deal_stage_history"]:
            history[h["deal_id"]].append(h)
        first_person: dict[int, int] = {}
        for p in sorted(self.persons.values(), key=lambda p: p["id"]):
            first_person.setdefault(p["org_id"], p["id"])
        for demo_id, d in latest.items():
            entries = sorted(history[demo_id], key=lambda h: h["entered_at"])
            self._deal(d, entries, first_person)

    def _deal(
        self, d: dict[str, Any], entries: list[dict[str, Any]], first_person: dict[int, int]
    ) -> None:
        deal_id = num(d["deal_id"])
        owner = user_num(d["owner_id"])
        p_num = self.stage_map[entries[0]["stage_id"] if entries else d["stage_id"]][0]
        first_open = min(s["id"] for s in self.stages.values() if s["pipeline_id"] == p_num)
        changes: list[tuple[datetime, str, str | None, str | None]] = [
            (d["created_at"], "add_time", None, v1(d["created_at"]))
        ]
        start = self.stage_map[entries[0]["stage_id"]][1] if entries else None
        stage = start or self.stage_map[d["stage_id"]][1] or first_open
        status, won_time, lost_time = "open", None, None
        for h in entries[1:]:
            _, open_stage, closed = self.stage_map[h["stage_id"]]
            if closed is not None:
                changes.append((h["entered_at"], "status", status, closed))
                status = closed
                if closed == "won":
                    won_time = h["entered_at"]
                else:
                    lost_time = h["entered_at"]
                continue
            if status != "open":  # reopened
                changes.append((h["entered_at"], "status", status, "open"))
                status, won_time, lost_time = "open", None, None
            if open_stage != stage:
                changes.append((h["entered_at"], "stage_id", str(stage), str(open_stage)))
                stage = open_stage
        stage_changes = [c for c in changes if c[1] == "stage_id"]
        flow = []
        for k, (at, key, old, new) in enumerate(changes):
            flow.append({
                "object": "dealChange",
                "timestamp": v1(at),
                "data": {
                    "id": deal_id * 1000 + k, "item_id": deal_id, "user_id": owner,
                    "field_key": key, "old_value": old, "new_value": new,
                    "is_bulk_update_flag": None, "log_time": v1(at), "change_source": "app",
                    "change_source_user_agent": None, "additional_data": {},
                },
            })  # fmt: skip
        self.flows[deal_id] = flow
        updated = max([d["updated_at"], *(c[0] for c in changes)])
        close_time = won_time or lost_time
        self.deals[deal_id] = {
            "id": deal_id, "title": d["deal_name"], "creator_user_id": owner, "owner_id": owner,
            "person_id": first_person.get(num(d["account_id"])), "org_id": num(d["account_id"]),
            "pipeline_id": p_num, "stage_id": stage,
            "value": d["amount"] if d["amount"] is not None else 0, "currency": d["currency"],
            "add_time": v2(d["created_at"]), "update_time": v2(updated),
            "stage_change_time": v2(stage_changes[-1][0]) if stage_changes else None,
            "is_deleted": bool(d["is_deleted"]), "is_archived": False, "status": status,
            "probability": d["probability"] if status == "open" and deal_id % 2 == 0 else None,
            "lost_reason": d["loss_reason"] if status == "lost" else None, "visible_to": 3,
            "close_time": v2(close_time), "won_time": v2(won_time), "lost_time": v2(lost_time),
            "expected_close_date": d["expected_close_date"].isoformat()
            if d["expected_close_date"] else None,
            "label_ids": [], "origin": "ManuallyCreated", "origin_id": None, "channel": None,
            "channel_id": None, "arr": None, "mrr": None, "acv": None,
            "custom_fields": {
                DEAL_FIELDS["product"]: d["product"],
                DEAL_FIELDS["competitor"]: d["competitor"] if status == "lost" else None,
            },
        }  # fmt: skip

    def _activities(self, t: dict[str, list[dict[str, Any]]]) -> None:
        for a in t["activities"]:
            at = a["occurred_at"]
            self.activities[num(a["activity_id"])] = {
                "id": num(a["activity_id"]), "subject": f"{a['activity_type'].title()}",
                "type": a["activity_type"], "owner_id": user_num(a["owner_id"]),
                "creator_user_id": user_num(a["owner_id"]), "is_deleted": False,
                "add_time": v2(at), "update_time": v2(at), "deal_id": num(a["deal_id"]),
                "lead_id": None, "person_id": None, "org_id": num(a["account_id"]),
                "project_id": None, "due_date": at.date().isoformat(),
                "due_time": at.strftime("%H:%M"), "duration": _hhmm(a["duration_minutes"]),
                "busy": False, "done": True, "marked_as_done_time": v2(at), "location": None,
                "participants": [], "attendees": [], "conference_meeting_client": None,
                "conference_meeting_url": None, "conference_meeting_id": None,
                "public_description": None, "priority": None, "note": None,
            }  # fmt: skip

    # -- moving on ---------------------------------------------------------------------------

    def advance(self, as_of: date) -> dict[str, set[int]]:
        """Extract the same world at ``as_of`` (later) and apply what changed, the way
        Pipedrive records it: changed and new records get an ``update_time`` after the
        previous extract. Returns the ids changed or added, per entity."""
        newer = PipedriveWorld.build(replace(self.config, as_of=as_of))
        recorded = v2(newer.cutoff - timedelta(seconds=1))
        changed: dict[str, set[int]] = {}
        for entity in self.ENTITIES:
            old, new = getattr(self, entity), getattr(newer, entity)
            ids = set()
            for rid, record in new.items():
                before = old.get(rid)
                same = before is not None and _without_times(before) == _without_times(record)
                if entity == "deals":
                    same = same and self.flows.get(rid) == newer.flows[rid]
                if same:
                    new[rid] = before
                    continue
                ids.add(rid)
                stamp = "modified" if entity == "users" else "update_time"
                if before is not None and _stamp(record, stamp) <= self.cutoff:
                    record[stamp] = recorded if stamp == "update_time" else v1(newer.cutoff)
            changed[entity] = ids
        for entity in self.ENTITIES:
            setattr(self, entity, getattr(newer, entity))
        self.flows, self.config, self.cutoff = newer.flows, newer.config, newer.cutoff
        return changed

    # -- truth for tests ---------------------------------------------------------------------

    def flow_rows(self) -> set[tuple[Any, ...]]:
        """(id, deal_id, field_key, old_value, new_value, log_time) of every flow entry."""
        return {
            (
                item["data"]["id"], deal_id, item["data"]["field_key"], item["data"]["old_value"],
                item["data"]["new_value"], parse(item["data"]["log_time"]),
            )
            for deal_id, flow in self.flows.items()
            for item in flow
        }  # fmt: skip


def _without_times(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("update_time", "modified", "last_login")}


def _stamp(record: dict[str, Any], key: str) -> datetime:
    return parse(record[key])
