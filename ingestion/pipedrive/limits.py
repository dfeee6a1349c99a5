"""How hard the connector may hit Pipedrive.

Pipedrive's published limits (developers.pipedrive.com, "Rate limiting"): a burst limit per
token in a rolling 2-second window, by plan, for ``api_token`` requests: Essential 20,
Advanced 40, Professional 80, Power 100, Enterprise 120 requests per 2 s (OAuth apps get
4x that); the Search API 10 per 2 s on every plan. On top of that, token-based rate limiting
charges each request against a daily budget per company (30,000 base tokens x plan
multiplier x seats; a v2 list request is cheaper than a v1 one). Exceeding either answers
429, which the session retries after ``Retry-After``.
"""

from __future__ import annotations

from ingestion.common.http import ApiLimits

# The smallest plan's burst limit (Essential, 20 requests / 2 s per api_token) with room
# to spare for the UI and other integrations on the same token: at most
# burst + 2 s x rate = 8 + 10 = 18 requests in any 2-second window.
DEFAULT_LIMITS = ApiLimits(requests_per_second=5.0, burst=8, timeout_s=30.0)
