"""Salesforce connector: SOQL over the REST API into ``raw_salesforce`` (see
docs/connectors/salesforce.md).

>>> from ingestion.salesforce import DEFAULT_LIMITS
>>> DEFAULT_LIMITS.requests_per_second
10.0
"""

from ingestion.salesforce.limits import DEFAULT_LIMITS
from ingestion.salesforce.objects import SOBJECTS, SObject


def __getattr__(name: str):
    # The dlt source is imported lazily: importing dlt takes about a second.
    if name == "salesforce_source":
        from ingestion.salesforce.source import salesforce_source

        return salesforce_source
    if name == "DATASET_NAME":
        from ingestion.salesforce.source import DATASET_NAME

        return DATASET_NAME
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DATASET_NAME", "DEFAULT_LIMITS", "SOBJECTS", "SObject", "salesforce_source"]
