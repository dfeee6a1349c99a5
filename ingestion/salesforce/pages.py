"""Turn a page of SOQL records (JSON dicts) into a typed Arrow table.

dlt normalizes Arrow tables without touching each row, which is what makes a page cheap
to land; declaring the types here also keeps empty objects typed.

>>> table = records_to_arrow(
...     [{"attributes": {"type": "Opportunity"}, "Id": "006A", "CloseDate": "2025-03-31",
...       "SystemModstamp": "2025-03-01T08:30:00.000+0000", "Amount": 1200}],
...     {"Id": "id", "CloseDate": "date", "SystemModstamp": "datetime", "Amount": "double"})
>>> table.column("Amount").to_pylist(), str(table.column("CloseDate")[0])
([1200.0], '2025-03-31')
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ingestion.salesforce.objects import BOOL, DATE, DATETIME, DOUBLE, INT

ARROW_TYPES: dict[str, pa.DataType] = {
    DATETIME: pa.timestamp("us", tz="UTC"),
    DATE: pa.date32(),
    DOUBLE: pa.float64(),
    INT: pa.int64(),
    BOOL: pa.bool_(),
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


PARSERS: dict[str, Callable[[Any], Any]] = {
    DATETIME: datetime.fromisoformat,  # 2025-03-01T08:30:00.000+0000
    DATE: date.fromisoformat,
    DOUBLE: float,
    INT: int,
    BOOL: bool,
}


def arrow_schema(field_types: dict[str, str]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(name, ARROW_TYPES.get(kind, pa.string()), nullable=name != "Id")
            for name, kind in field_types.items()
        ]
    )


def records_to_arrow(records: list[dict[str, Any]], field_types: dict[str, str]) -> pa.Table:
    """Columns in ``field_types`` order; absent or null values become nulls."""
    columns: dict[str, list[Any]] = {}
    for name, kind in field_types.items():
        parse = PARSERS.get(kind, _text)
        columns[name] = [
            None if (value := record.get(name)) is None else parse(value) for record in records
        ]
    return pa.Table.from_pydict(columns, schema=arrow_schema(field_types))
