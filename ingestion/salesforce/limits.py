"""Default request rate for the Salesforce REST API.

Salesforce publishes no per-second limit. It publishes (Salesforce Developer Limits and
Allocations Quick Reference, "API Request Limits and Allocations"):

- a rolling 24-hour allocation of API requests per org: Enterprise Edition 100,000 plus
  1,000 per Salesforce licence (Unlimited/Performance 5,000 per licence); when it is spent
  every call answers 403 ``REQUEST_LIMIT_EXCEEDED`` until usage drops;
- at most 25 concurrent long-running requests (over 20 s) per production org (5 in
  Developer Edition and trial orgs).

The connector sends one request at a time (no concurrency concern) and defaults to a
modest 10 requests/s with a burst of 10. A full sync of N records costs about
N / batch_size (2,000) requests per object, so even a large org's first sync is a few
thousand requests; size ``requests_per_second`` only if other integrations share the
allocation (see docs/connectors/salesforce.md).
"""

from __future__ import annotations

from ingestion.common.http import ApiLimits

DEFAULT_LIMITS = ApiLimits(requests_per_second=10.0, burst=10)
