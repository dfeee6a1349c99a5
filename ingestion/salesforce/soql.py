"""SOQL for one incremental read of an object.

>>> from datetime import UTC, datetime
>>> from ingestion.salesforce.objects import OPPORTUNITY_FIELD_HISTORY
>>> soql = incremental_soql(
...     OPPORTUNITY_FIELD_HISTORY, datetime(2025, 3, 1, 8, 30, tzinfo=UTC), False)
>>> soql.split(" WHERE ")[1]
"CreatedDate >= 2025-03-01T08:30:00Z AND Field = 'StageName' ORDER BY CreatedDate ASC"
"""

from __future__ import annotations

from datetime import UTC, datetime

from ingestion.salesforce.objects import SObject


def soql_datetime(value: datetime) -> str:
    """A SOQL dateTime literal (UTC, second precision: Salesforce stores whole seconds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def incremental_soql(
    sobject: SObject, since: datetime, multi_currency: bool, extra_fields: tuple[str, ...] = ()
) -> str:
    """Every record modified at or after ``since``, oldest first.

    ``>=`` rather than ``>``: a record committed late with the same second as the cursor
    would be missed by ``>``. The rows at the boundary second are fetched again; dlt's
    incremental drops the ones it already loaded (by primary key), and merge on ``Id``
    would collapse any that slipped through.
    """
    fields = ", ".join(sobject.soql_fields(multi_currency, extra_fields))
    conditions = [f"{sobject.cursor} >= {soql_datetime(since)}"]
    if sobject.where:
        conditions.append(sobject.where)
    return (
        f"SELECT {fields} FROM {sobject.name} WHERE {' AND '.join(conditions)}"
        f" ORDER BY {sobject.cursor} ASC"
    )
