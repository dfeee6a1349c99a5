"""The Pipedrive connector: ``pipedrive_source`` lands deals, their stage history (deal
flow), stages, pipelines, users, activities, persons and organizations in ``raw_pipedrive``.
See docs/connectors/pipedrive.md."""

from ingestion.pipedrive.limits import DEFAULT_LIMITS

DATASET = "raw_pipedrive"

__all__ = ["DATASET", "DEFAULT_LIMITS"]
