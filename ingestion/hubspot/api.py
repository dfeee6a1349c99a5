"""A thin HubSpot API client over dlt's RESTClient: bearer auth in a header, one
rate-limited session for the general limit and one for the search endpoints, clear
errors, cursor pagination (``paging.next.after``), batch reads and associations.

The search iterator pages by **keyset** rather than by offset: every page is a fresh query
``<modified> GTE <last value seen>`` sorted ascending (ids already seen at that value are
skipped), so no query ever pages past HubSpot's 10,000-result cap (``total`` says whether
a query matched more than its page), and a record modified
while the run pages through cannot shift the offsets and make another one be skipped. A
tie group of a full page at one timestamp is walked by ``hs_object_id`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from requests import Response, Session

from ingestion.common.http import ApiLimits, rate_limited_session
from ingestion.hubspot.records import epoch_ms, modified_at

SEARCH_PAGE = 100  # the search endpoints' maximum page size
LIST_PAGE = 100
HISTORY_BATCH = 50  # reads asking for propertiesWithHistory are limited to 50 records
ASSOCIATION_BATCH = 100


def _session(limits: ApiLimits) -> Session:
    session = rate_limited_session(limits)
    # statuses are checked in HubSpotApi._checked, with a message of our own
    session.raise_for_status = False  # type: ignore[attr-defined]
    return session


class HubSpotError(RuntimeError):
    """HubSpot refused a request for a reason retrying does not fix."""


class HubSpotAuthError(HubSpotError):
    """The access token was rejected (401) or lacks a scope (403)."""


class HubSpotApi:
    """Requests to one HubSpot account. The token only ever travels in the
    ``Authorization`` header; error messages never contain it."""

    def __init__(
        self,
        base_url: str,
        api_token: str,
        limits: ApiLimits,
        search_limits: ApiLimits,
    ) -> None:
        auth = BearerTokenAuth(api_token)
        self._client = RESTClient(base_url=base_url, auth=auth, session=_session(limits))
        self._search_client = RESTClient(
            base_url=base_url, auth=auth, session=_session(search_limits)
        )

    # -- plain requests -------------------------------------------------------------------

    @staticmethod
    def _checked(response: Response, what: str) -> Any:
        status = response.status_code
        if status < 400:
            return response.json()
        try:
            detail = str(response.json().get("message", ""))[:300]
        except ValueError:
            detail = response.text[:300]
        if status == 401:
            raise HubSpotAuthError(
                f"HubSpot rejected the access token (401 Unauthorized) on {what}: check "
                "sources.hubspot.api_token (SOURCES__HUBSPOT__API_TOKEN), a private app "
                "access token."
            )
        if status == 403:
            raise HubSpotAuthError(
                f"HubSpot refused {what} (403 Forbidden): the private app lacks a scope "
                f"(see docs/connectors/hubspot.md). {detail}"
            )
        raise HubSpotError(f"HubSpot answered {status} on {what}: {detail}")

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._checked(self._client.get(path, params=params), f"GET {path}")

    def post(self, path: str, body: dict[str, Any], search: bool = False) -> Any:
        client = self._search_client if search else self._client
        return self._checked(client.post(path, json=body), f"POST {path}")

    def list_pages(
        self, path: str, params: dict[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """GET pages following ``paging.next.after``."""
        params = dict(params or {})
        while True:
            page = self.get(path, params)
            yield page.get("results") or []
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return
            params["after"] = after

    # -- search ---------------------------------------------------------------------------

    def _search(self, object_type: str, body: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
        """One search page, and whether the query matched more than it returned (from
        ``total``: a page can be short of ``limit`` at the result cap)."""
        body = {**body, "limit": SEARCH_PAGE}
        answer = self.post(f"/crm/v3/objects/{object_type}/search", body, search=True)
        results = answer.get("results") or []
        return results, int(answer.get("total", len(results))) > len(results)

    def search_modified_since(
        self,
        object_type: str,
        modified: str,
        properties: Iterable[str],
        since: datetime,
        seen_at_since: Iterable[str] = (),
    ) -> Iterator[list[dict[str, Any]]]:
        """Every object with ``modified >= since``, oldest change first, in pages of up to
        100, each object once. ``seen_at_since``: ids already loaded with ``modified ==
        since`` (the previous run's last timestamp), skipped."""
        props = sorted(set(properties) | {modified})
        lower = epoch_ms(since)
        seen: set[str] = set(seen_at_since)
        while True:
            results, more = self._search(
                object_type,
                {
                    "filterGroups": [
                        {
                            "filters": [
                                {"propertyName": modified, "operator": "GTE", "value": str(lower)}
                            ]
                        }
                    ],
                    "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
                    "properties": props,
                },
            )
            # skip only what was seen *at* the lower bound: a record seen there and
            # modified again since has a later time and must be loaded again
            fresh = [
                r
                for r in results
                if str(r["id"]) not in seen or epoch_ms(modified_at(r, modified)) != lower
            ]
            if fresh:
                yield fresh
            if not more or not results:
                return
            last = epoch_ms(modified_at(results[-1], modified))
            if last == lower:
                # a page all at one timestamp: walk that tie group by id, then move on
                yield from self._tie_group(object_type, modified, props, lower, seen)
                lower, seen = lower + 1, set()
                continue
            if last < lower:
                raise HubSpotError(
                    f"HubSpot search on {object_type} is not sorted by {modified} ascending"
                )
            seen = {str(r["id"]) for r in results if epoch_ms(modified_at(r, modified)) == last}
            lower = last

    def _tie_group(
        self, object_type: str, modified: str, props: list[str], at_ms: int, seen: set[str]
    ) -> Iterator[list[dict[str, Any]]]:
        last_id = 0
        while True:
            results, more = self._search(
                object_type,
                {
                    "filterGroups": [
                        {
                            "filters": [
                                {"propertyName": modified, "operator": "EQ", "value": str(at_ms)},
                                {
                                    "propertyName": "hs_object_id",
                                    "operator": "GT",
                                    "value": str(last_id),
                                },
                            ]
                        }
                    ],
                    "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                    "properties": props,
                },
            )
            fresh = [r for r in results if str(r["id"]) not in seen]
            if fresh:
                yield fresh
            if not more or not results:
                return
            last_id = int(results[-1]["id"])

    # -- batch reads and associations -----------------------------------------------------

    def batch_read(
        self,
        object_type: str,
        ids: list[str],
        properties: Iterable[str],
        properties_with_history: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        """``POST /crm/v3/objects/<type>/batch/read`` in chunks (50 with history)."""
        history = list(properties_with_history)
        size = HISTORY_BATCH if history else LIST_PAGE
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), size):
            body: dict[str, Any] = {
                "inputs": [{"id": i} for i in ids[start : start + size]],
                "properties": list(properties),
            }
            if history:
                body["propertiesWithHistory"] = history
            out += self.post(f"/crm/v3/objects/{object_type}/batch/read", body).get("results") or []
        return out

    def associations(self, from_type: str, to_type: str, ids: list[str]) -> list[dict[str, Any]]:
        """``POST /crm/v4/associations/<from>/<to>/batch/read``: objects without an
        association come back under ``errors`` (HTTP 207) and are simply absent here."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), ASSOCIATION_BATCH):
            body = {"inputs": [{"id": i} for i in ids[start : start + ASSOCIATION_BATCH]]}
            out += (
                self.post(f"/crm/v4/associations/{from_type}/{to_type}/batch/read", body).get(
                    "results"
                )
                or []
            )
        return out
