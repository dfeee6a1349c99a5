"""HubSpot CRM v3 connector: a dlt source landing deals, stage history, pipelines, owners,
companies, contacts, engagements and exchange rates in ``raw_hubspot``.

>>> from ingestion.hubspot.limits import DEFAULT_LIMITS, DEFAULT_SEARCH_LIMITS
>>> DEFAULT_LIMITS.requests_per_second, DEFAULT_SEARCH_LIMITS.requests_per_second
(10.0, 4.0)
"""
