"""The dlt source over the Pipedrive API: deals (with their stage history from the deal
flow), stages, pipelines, users, activities, persons and organizations.

>>> source = pipedrive_source(api_token="not-a-real-token")
>>> sorted(source.resources)
['activities', 'deal_flow', 'deals', 'organizations', 'persons', 'pipelines', 'stages', 'users']

Deals, activities, persons and organizations are incremental on ``update_time``: each run
asks API v2 for ``updated_since`` = the newest ``update_time`` loaded so far (dlt keeps it in
the pipeline state, committed only with a successful load) and merges on ``id``. The deal
flow (``GET /api/v1/deals/{id}/flow``) is a transformer over the deals a run fetched, so only
changed deals have their history fetched again. Users, pipelines and stages are small and
have no modification filter: they are read in full and merged.

Authentication is the ``x-api-token`` header (never the ``api_token`` query parameter:
URLs end up in logs). Every request goes through ``rate_limited_session``: a token bucket
under Pipedrive's burst limit plus retries (429 after ``Retry-After``, 5xx, timeouts and
truncated bodies with backoff).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.libs.pyarrow import py_arrow_to_table_schema_columns
from dlt.extract.resource import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import (
    BasePaginator,
    JSONResponseCursorPaginator,
    OffsetPaginator,
    SinglePagePaginator,
)
from requests import HTTPError

from ingestion.common.http import ApiLimits, rate_limited_session
from ingestion.pipedrive.limits import DEFAULT_LIMITS
from ingestion.pipedrive.tables import (
    FLOW_FIELD_KEYS,
    PRIMARY_KEYS,
    SCHEMAS,
    flow_row,
    page_to_table,
    to_table,
)

DEFAULT_BASE_URL = "https://api.pipedrive.com"
PAGE_LIMIT = 500  # the maximum page size of Pipedrive's list endpoints
# Incremental list endpoints (API v2): raw table -> path
INCREMENTAL_ENDPOINTS: dict[str, str] = {
    "deals": "/api/v2/deals",
    "activities": "/api/v2/activities",
    "persons": "/api/v2/persons",
    "organizations": "/api/v2/organizations",
}
# Deals in every status, deleted ones included (API v2 returns deals deleted up to 30 days ago)
DEAL_STATUSES = "open,won,lost,deleted"


class PipedriveApiError(RuntimeError):
    """Pipedrive refused a request for a reason retrying cannot fix (bad token, missing
    permission, unknown path). The message names the request, never the token."""


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _explain(status: int, path: str) -> str:
    if status == 401:
        return (
            f"Pipedrive rejected the API token (HTTP 401) for GET {path}: set a valid token in "
            "sources.pipedrive.api_token (.dlt/secrets.toml) or SOURCES__PIPEDRIVE__API_TOKEN"
        )
    if status == 403:
        return (
            f"Pipedrive refused GET {path} (HTTP 403): the token's user lacks permission "
            "(the connector needs a user with global visibility, ideally an admin)"
        )
    return f"Pipedrive answered HTTP {status} to GET {path}"


def _pages(
    client: RESTClient,
    path: str,
    params: Mapping[str, Any],
    paginator: BasePaginator,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of ``data`` records; non-retryable HTTP errors become ``PipedriveApiError``."""
    try:
        for page in client.paginate(path, params=dict(params), paginator=paginator):
            yield list(page or [])
    except HTTPError as error:
        status = error.response.status_code if error.response is not None else 0
        raise PipedriveApiError(_explain(status, path)) from None


def _cursor_paginator() -> JSONResponseCursorPaginator:
    """API v2: ``additional_data.next_cursor`` -> ``cursor`` (null on the last page)."""
    return JSONResponseCursorPaginator(
        cursor_path="additional_data.next_cursor", cursor_param="cursor"
    )


def _offset_paginator() -> OffsetPaginator:
    """API v1: ``start``/``limit`` until ``more_items_in_collection`` is false."""
    return OffsetPaginator(
        limit=PAGE_LIMIT,
        offset_param="start",
        limit_param="limit",
        total_path=None,
        has_more_path="additional_data.pagination.more_items_in_collection",
    )


def _hints(table: str) -> dict[str, Any]:
    return {
        "name": table,
        "write_disposition": "merge",
        "primary_key": list(PRIMARY_KEYS[table]),
        "columns": py_arrow_to_table_schema_columns(SCHEMAS[table]),
    }


def _incremental_resource(
    table: str, client: RESTClient, custom_field_keys: Mapping[str, str]
) -> DltResource:
    path = INCREMENTAL_ENDPOINTS[table]

    def pages(
        # dlt's idiom: the incremental is a default argument, dlt injects its state
        update_time: dlt.sources.incremental[datetime] = dlt.sources.incremental(  # noqa: B008
            "update_time", initial_value=None
        ),
    ) -> Iterator[pa.Table]:
        params: dict[str, Any] = {"limit": PAGE_LIMIT, "sort_by": "id", "sort_direction": "asc"}
        if table == "deals":
            params["status"] = DEAL_STATUSES
        if update_time.last_value is not None:
            params["updated_since"] = _rfc3339(update_time.last_value)
        for records in _pages(client, path, params, _cursor_paginator()):
            if records:
                yield page_to_table(table, records, custom_field_keys)

    return dlt.resource(pages, **_hints(table))


def _full_resource(table: str, path: str, client: RESTClient, v1: bool = False) -> DltResource:
    def pages() -> Iterator[pa.Table]:
        params: dict[str, Any] = {} if v1 else {"limit": PAGE_LIMIT}
        paginator = SinglePagePaginator() if v1 else _cursor_paginator()
        for records in _pages(client, path, params, paginator):
            if records:
                yield page_to_table(table, records)

    return dlt.resource(pages, **_hints(table))


def _flow_transformer(deals: DltResource, client: RESTClient) -> DltResource:
    @dlt.transformer(data_from=deals, **_hints("deal_flow"))
    def deal_flow(deal_page: pa.Table) -> Iterator[pa.Table]:
        """Stage, status and creation entries of every deal in ``deal_page``."""
        rows: list[dict[str, Any]] = []
        for deal_id in deal_page.column("id").to_pylist():
            path = f"/api/v1/deals/{deal_id}/flow"
            params = {"items": "dealChange", "all_changes": 1}
            for items in _pages(client, path, params, _offset_paginator()):
                rows.extend(
                    flow_row(item, deal_id)
                    for item in items
                    if item.get("object") == "dealChange"
                    and (item.get("data") or {}).get("field_key") in FLOW_FIELD_KEYS
                )
        if rows:
            yield to_table("deal_flow", rows)

    return deal_flow


@dlt.source(name="pipedrive")
def pipedrive_source(
    api_token: str = dlt.secrets.value,
    base_url: str = DEFAULT_BASE_URL,
    company_domain: str | None = None,
    deal_custom_fields: dict[str, str] | None = None,
    organization_custom_fields: dict[str, str] | None = None,
    requests_per_second: float = DEFAULT_LIMITS.requests_per_second,
    burst: int = DEFAULT_LIMITS.burst,
    timeout_s: float = DEFAULT_LIMITS.timeout_s,
    max_attempts: int = DEFAULT_LIMITS.max_attempts,
    backoff_factor: float = DEFAULT_LIMITS.backoff_factor,
) -> list[DltResource]:
    """Pipedrive's deals, deal flow, stages, pipelines, users, activities, persons and
    organizations, landed in ``raw_pipedrive``.

    ``company_domain`` (``acme`` for ``acme.pipedrive.com``) overrides ``base_url``.
    ``deal_custom_fields`` / ``organization_custom_fields`` map a column (deals: product,
    competitor; organizations: segment, industry, region, country) to the 40-character
    key of the Pipedrive custom field holding it. The rate-limit and retry settings
    default to ``DEFAULT_LIMITS`` (Pipedrive Essential plan, see limits.py).
    """
    if company_domain:
        base_url = f"https://{company_domain}.pipedrive.com"
    limits = ApiLimits(
        requests_per_second=requests_per_second,
        burst=burst,
        timeout_s=timeout_s,
        max_attempts=max_attempts,
        backoff_factor=backoff_factor,
        max_retry_delay_s=DEFAULT_LIMITS.max_retry_delay_s,
    )
    client = RESTClient(
        base_url=base_url.rstrip("/"),
        auth=APIKeyAuth(name="x-api-token", api_key=api_token, location="header"),
        data_selector="data",
        session=rate_limited_session(limits),
    )
    deals = _incremental_resource("deals", client, deal_custom_fields or {})
    return [
        deals,
        _flow_transformer(deals, client),
        _full_resource("pipelines", "/api/v2/pipelines", client),
        _full_resource("stages", "/api/v2/stages", client),
        _full_resource("users", "/api/v1/users", client, v1=True),
        _incremental_resource("activities", client, {}),
        _incremental_resource("persons", client, {}),
        _incremental_resource("organizations", client, organization_custom_fields or {}),
    ]
