"""The Salesforce dlt source: SOQL queries over the REST API, incremental on SystemModstamp.

One resource per object in ``objects.SOBJECTS``, named after the raw table it lands in
``raw_salesforce`` and merged on ``Id``. Each run reads, per object, the records modified
at or after the newest ``SystemModstamp`` it has loaded (dlt keeps the cursor in the
pipeline state), follows ``nextRecordsUrl`` until ``done``, and yields each page as a
typed Arrow table.

>>> source = salesforce_source(base_url="https://acme.my.salesforce.com", api_token="t")
>>> sorted(source.resources)[:3]
['accounts', 'contacts', 'currency_types']
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.schema.typing import TColumnSchema
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator

from ingestion.common.http import ApiLimits, rate_limited_session
from ingestion.salesforce.errors import SalesforceApiError, raise_for_salesforce_status
from ingestion.salesforce.limits import DEFAULT_LIMITS
from ingestion.salesforce.objects import (
    BOOL,
    DATE,
    DATETIME,
    DOUBLE,
    INT,
    SOBJECTS,
    SObject,
)
from ingestion.salesforce.pages import records_to_arrow
from ingestion.salesforce.soql import incremental_soql

log = logging.getLogger(__name__)

API_VERSION = "v61.0"
DATASET_NAME = "raw_salesforce"
# The first run reads everything: no Salesforce record is older than this.
INITIAL_CURSOR = datetime(1999, 1, 1, tzinfo=UTC)
# Salesforce's documented range for the batchSize query option.
MIN_BATCH, MAX_BATCH = 200, 2000
# Codes meaning "this org does not have that object/field" (feature not enabled).
MISSING_OBJECT_CODES = frozenset({"INVALID_TYPE", "INVALID_FIELD", "NOT_FOUND"})

DLT_TYPES = {DATETIME: "timestamp", DATE: "date", DOUBLE: "double", INT: "bigint", BOOL: "bool"}


def _column_hints(field_types: dict[str, str]) -> list[TColumnSchema]:
    return [
        {"name": name, "data_type": DLT_TYPES.get(kind, "text"), "nullable": name != "Id"}  # type: ignore[typeddict-item]
        for name, kind in field_types.items()
    ]


def _object_resource(
    client: RESTClient,
    sobject: SObject,
    api_version: str,
    multi_currency: bool,
    batch_size: int,
    extra_fields: tuple[str, ...],
) -> DltResource:
    fields = sobject.soql_fields(multi_currency, extra_fields)
    all_types = sobject.field_types(extra_fields)
    field_types = {name: all_types[name] for name in fields}
    endpoint = "queryAll" if sobject.include_deleted else "query"
    path = f"/services/data/{api_version}/{endpoint}"

    def read(
        modified: dlt.sources.incremental[datetime] = dlt.sources.incremental(  # noqa: B008
            sobject.cursor, initial_value=INITIAL_CURSOR
        ),
    ) -> Iterator[pa.Table]:
        soql = incremental_soql(sobject, modified.last_value, multi_currency, extra_fields)
        pages = client.paginate(
            path,
            params={"q": soql},
            headers={"Sforce-Query-Options": f"batchSize={batch_size}"},
            paginator=JSONLinkPaginator(next_url_path="nextRecordsUrl"),
            data_selector="records",
            hooks={"response": [raise_for_salesforce_status]},
        )
        rows = 0
        try:
            for page in pages:
                rows += len(page)
                yield records_to_arrow(list(page), field_types)
        except SalesforceApiError as error:
            missing = error.status == 400 and error.error_code in MISSING_OBJECT_CODES
            if not (sobject.optional and missing):
                raise
            log.warning(
                "Salesforce object %s is not available in this org (%s); skipped",
                sobject.name,
                error.error_code,
            )
        if rows == 0:
            # an empty typed page, so the raw table exists with its columns even when the
            # object has no records (or is not enabled in the org)
            yield records_to_arrow([], field_types)

    return dlt.resource(
        read,
        name=sobject.table,
        write_disposition="merge",
        primary_key="Id",
        columns=_column_hints(field_types),
    )


@dlt.source(name="salesforce")
def salesforce_source(
    base_url: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    api_version: str = API_VERSION,
    multi_currency: bool = True,
    batch_size: int = MAX_BATCH,
    extra_fields: dict[str, list[str]] | None = None,
    requests_per_second: float | None = None,
    burst: int | None = None,
    timeout_s: float | None = None,
) -> list[DltResource]:
    """Salesforce objects into ``raw_salesforce``.

    ``base_url`` is the org's instance URL (``https://<my-domain>.my.salesforce.com``; no
    universal default exists), ``api_token`` an OAuth access token (sent as a Bearer
    header, never in a URL). ``multi_currency=False`` for orgs without multiple currencies
    (no ``CurrencyIsoCode`` field, no currency objects). ``extra_fields`` adds custom
    fields per object, e.g. ``{"Opportunity": ["Loss_Reason__c"]}`` (landed as text).
    ``batch_size`` (200-2000) is the records per page Salesforce is asked for.
    The rate limit defaults to ``DEFAULT_LIMITS`` (see limits.py).
    """
    if not MIN_BATCH <= batch_size <= MAX_BATCH:
        raise ValueError(f"batch_size must be in [{MIN_BATCH}, {MAX_BATCH}], got {batch_size}")
    limits: ApiLimits = replace(
        DEFAULT_LIMITS,
        **{
            key: value
            for key, value in (
                ("requests_per_second", requests_per_second),
                ("burst", burst),
                ("timeout_s", timeout_s),
            )
            if value is not None
        },
    )
    session = rate_limited_session(limits)
    # errors are raised by raise_for_salesforce_status (a response hook, so dlt's retries
    # still see them); the session's own raise_for_status would bypass the classification
    session.raise_for_status = False  # type: ignore[attr-defined]
    client = RESTClient(
        base_url=base_url.rstrip("/"), auth=BearerTokenAuth(api_token), session=session
    )
    extras: dict[str, Any] = extra_fields or {}
    return [
        _object_resource(
            client,
            sobject,
            api_version,
            multi_currency,
            batch_size,
            tuple(extras.get(sobject.name, ())),
        )
        for sobject in SOBJECTS
        if multi_currency or not sobject.multi_currency_only
    ]
