"""Client-side rate limits for the HubSpot API.

HubSpot's published limits for private apps (developers.hubspot.com, "API usage
guidelines and limits"): 100 requests per 10 seconds per account on Free/Starter
(190 / 10 s on Professional and Enterprise), and the CRM search endpoints
(``POST /crm/v3/objects/<type>/search``) separately at 5 requests per second per account
(the changelog "CRM Search API rate limit increase" gives 4 / s; we stay at 4).
Search requests get their own bucket, so a run never exceeds either limit.
"""

from __future__ import annotations

from ingestion.common.http import ApiLimits

# 100 requests / 10 s (Free/Starter private apps): 10 / s steady, a burst of 10.
DEFAULT_LIMITS = ApiLimits(requests_per_second=10.0, burst=10)

# Search endpoints: 5 / s published (4 / s in the changelog); 4 / s, no burst beyond 4.
DEFAULT_SEARCH_LIMITS = ApiLimits(requests_per_second=4.0, burst=4)
