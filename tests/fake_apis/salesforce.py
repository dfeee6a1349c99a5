"""A fake Salesforce REST API (SOQL query and queryAll) over the demo CRM world.

Implements what the connector uses, the way Salesforce does it:

- ``GET /services/data/v61.0/query?q=<SOQL>`` and ``.../queryAll?q=`` (queryAll also
  returns deleted records, ``IsDeleted = true``); the answer is
  ``{totalSize, done, nextRecordsUrl, records}`` and ``nextRecordsUrl``
  (``/services/data/v61.0/query/01g...-400``) serves the next batch of the same result;
- ``Sforce-Query-Options: batchSize=N`` (200-2000, default 2000);
- the SOQL subset ``SELECT f, ... FROM Obj [WHERE a >= 2025-01-01T00:00:00Z AND b = 'x']
  [ORDER BY f [ASC|DESC]]``; an unknown object is 400 ``INVALID_TYPE``, an unknown field
  400 ``INVALID_FIELD``, anything else 400 ``MALFORMED_QUERY``; every record carries
  ``attributes``;
- errors as ``[{"message", "errorCode"}]``; 401 ``INVALID_SESSION_ID`` on a wrong token
  (the base class), 403 ``REQUEST_LIMIT_EXCEEDED`` once ``request_limit`` API requests
  have been served (the org's 24-hour allocation).

``mutate(as_of)`` moves the org forward to a later day of the same world: deals advance,
close, reopen or are deleted, new leads, deals, history rows and activities appear. Every
new or changed record gets a ``SystemModstamp`` after everything the org held before (the
record's own modification time, or one second after the previous newest when that is
earlier), so an incremental read sees exactly the changes.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from ingestion.demo_crm import DemoCrmConfig
from tests.fake_apis.salesforce_world import Record, salesforce_records, stamp
from tests.fake_apis.server import FakeApi

# Which fields each object has (beyond those in the world's records: none). The connector
# may ask for any of them; others are INVALID_FIELD.
STAMP_FIELDS = ("SystemModstamp", "LastModifiedDate")
SOQL = re.compile(
    r"SELECT (?P<fields>[\w, ]+?) FROM (?P<object>\w+)"
    r"(?: WHERE (?P<where>.+?))?(?: ORDER BY (?P<order>\w+)(?: (?P<direction>ASC|DESC))?)?",
)
CONDITION = re.compile(
    r"(?P<field>\w+) (?P<op>>=|<=|=|>|<) "
    r"(?:(?P<datetime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)|'(?P<text>[^']*)')"
)
BATCH_OPTION = re.compile(r"batchSize=(\d+)")


def _error(status: int, code: str, message: str) -> tuple[int, Any]:
    return status, [{"message": message, "errorCode": code}]


def _cursor_field(records: list[Record]) -> str:
    return "SystemModstamp" if records and "SystemModstamp" in records[0] else "CreatedDate"


@dataclass
class FakeSalesforce(FakeApi):
    """The org: ``world`` is the demo CRM config whose as-of day the org shows."""

    world: DemoCrmConfig = field(default_factory=lambda: DemoCrmConfig(size=400))
    api_version: str = "v61.0"
    has_forecasting: bool = True
    request_limit: int | None = None
    objects: dict[str, dict[str, Record]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._local = threading.local()
        self._results: dict[str, list[Record]] = {}
        self._locators = itertools.count(1)
        self.api_requests = 0
        self.objects = {
            name: {r["Id"]: r for r in records}
            for name, records in salesforce_records(self.world).items()
        }
        self._fields = {
            name: set(itertools.chain.from_iterable(r.keys() for r in records.values())) | {"Id"}
            for name, records in self.objects.items()
        }

    # -- what tests compare against ------------------------------------------------------

    def visible(self, sobject: str, include_deleted: bool = True) -> list[Record]:
        return [
            r
            for r in self.objects[sobject].values()
            if include_deleted or not r.get("IsDeleted", False)
        ]

    def mutate(self, as_of: date) -> dict[str, set[str]]:
        """Show the same world at the later day ``as_of``; the ids created or changed."""
        self.world = replace(self.world, as_of=as_of)
        changed: dict[str, set[str]] = {}
        for name, records in salesforce_records(self.world).items():
            current = self.objects[name]
            cursor = _cursor_field(records)
            newest = max(
                (datetime.fromisoformat(r[cursor]) for r in current.values()), default=None
            )
            changed[name] = set()
            for record in records:
                if current.get(record["Id"]) == record:
                    continue
                natural = datetime.fromisoformat(record[cursor])
                if newest is not None and natural <= newest:
                    bumped = stamp(newest + timedelta(seconds=1))
                    for key in (cursor, *STAMP_FIELDS):
                        if key in record:
                            record[key] = bumped
                current[record["Id"]] = record
                changed[name].add(record["Id"])
        return changed

    # -- HTTP ----------------------------------------------------------------------------

    def authorized(self, headers: Any, query: dict[str, list[str]]) -> bool:
        match = BATCH_OPTION.search(headers.get("Sforce-Query-Options") or "")
        self._local.batch = min(2000, max(200, int(match.group(1)))) if match else 2000
        return super().authorized(headers, query)

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        with self._lock:
            self.api_requests += 1
            spent = self.request_limit is not None and self.api_requests > self.request_limit
        if spent:
            return _error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        prefix = f"/services/data/{self.api_version}/"
        if method != "GET" or not path.startswith(prefix):
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        rest = path[len(prefix) :]
        endpoint, _, locator = rest.partition("/")
        if endpoint not in ("query", "queryAll"):
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        if locator:
            return self._next_batch(endpoint, locator)
        soql = (query.get("q") or [""])[0]
        return self._query(soql, include_deleted=endpoint == "queryAll")

    def _query(self, soql: str, include_deleted: bool) -> tuple[int, Any]:
        parsed = SOQL.fullmatch(soql.strip())
        if not parsed:
            return _error(400, "MALFORMED_QUERY", f"unexpected token in: {soql[:80]}")
        sobject = parsed["object"]
        if sobject not in self.objects or (
            sobject == "ForecastingQuota" and not self.has_forecasting
        ):
            return _error(
                400,
                "INVALID_TYPE",
                f"sObject type '{sobject}' is not supported. If you are attempting to use a "
                "custom object, be sure to append the '__c' after the entity name.",
            )
        fields = [f.strip() for f in parsed["fields"].split(",")]
        known = self._fields[sobject]
        for name in fields + ([parsed["order"]] if parsed["order"] else []):
            if name not in known:
                return _error(
                    400, "INVALID_FIELD", f"No such column '{name}' on entity '{sobject}'"
                )
        predicates = []
        for condition in (parsed["where"] or "").split(" AND ") if parsed["where"] else []:
            match = CONDITION.fullmatch(condition.strip())
            if not match or match["field"] not in known:
                return _error(400, "MALFORMED_QUERY", f"cannot parse condition: {condition}")
            predicates.append(match)
        rows = [
            r
            for r in self.objects[sobject].values()
            if (include_deleted or not r.get("IsDeleted", False))
            and all(self._holds(r, p) for p in predicates)
        ]
        if parsed["order"]:
            rows.sort(
                key=lambda r: (r.get(parsed["order"]) is None, r.get(parsed["order"]) or ""),
                reverse=parsed["direction"] == "DESC",
            )
        result = [
            {
                "attributes": {
                    "type": sobject,
                    "url": f"/services/data/{self.api_version}/sobjects/{sobject}/{r['Id']}",
                },
                **{name: r.get(name) for name in fields},
            }
            for r in rows
        ]
        locator = f"01g{next(self._locators):012d}AAA"
        with self._lock:
            self._results[locator] = result
        endpoint = "queryAll" if include_deleted else "query"
        return self._page(endpoint, locator, 0)

    @staticmethod
    def _holds(record: Record, predicate: re.Match[str]) -> bool:
        value = record.get(predicate["field"])
        if value is None:
            return False
        if predicate["datetime"]:
            left: Any = datetime.fromisoformat(value)
            right: Any = datetime.fromisoformat(predicate["datetime"].replace("Z", "+00:00"))
        else:
            left, right = str(value), predicate["text"]
        return {
            ">=": left >= right,
            ">": left > right,
            "=": left == right,
            "<=": left <= right,
            "<": left < right,
        }[predicate["op"]]

    def _next_batch(self, endpoint: str, locator: str) -> tuple[int, Any]:
        result_id, _, offset = locator.rpartition("-")
        if result_id not in self._results or not offset.isdigit():
            return _error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(endpoint, result_id, int(offset))

    def _page(self, endpoint: str, locator: str, offset: int) -> tuple[int, Any]:
        result = self._results[locator]
        batch = getattr(self._local, "batch", 2000)
        records = result[offset : offset + batch]
        done = offset + batch >= len(result)
        body: dict[str, Any] = {"totalSize": len(result), "done": done, "records": records}
        if not done:
            body["nextRecordsUrl"] = (
                f"/services/data/{self.api_version}/{endpoint}/{locator}-{offset + batch}"
            )
        return 200, body
