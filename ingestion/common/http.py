"""The HTTP session every API connector uses: a client-side token bucket per API, plus
dlt's retrying session (backoff on 5xx, timeouts and broken connections; 429 honours
``Retry-After``).

The bucket sits in the transport adapter, so every attempt, retries included, takes a
token: a burst of retries cannot exceed the vendor's limit either.

>>> limits = ApiLimits(requests_per_second=5, burst=2)
>>> session = rate_limited_session(limits)
>>> session.get_adapter("https://api.example.com").bucket.rate
5
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dlt.sources.helpers.requests import Client
from requests import PreparedRequest, Response, Session
from requests.adapters import HTTPAdapter


@dataclass(frozen=True)
class ApiLimits:
    """How hard a connector may hit one API, and how patiently it retries.

    ``requests_per_second`` and ``burst`` are the token bucket (steady rate, bucket size);
    each connector documents its vendor's published limit next to its default.
    """

    requests_per_second: float
    burst: int
    timeout_s: float = 30.0
    max_attempts: int = 6
    backoff_factor: float = 1.0
    max_retry_delay_s: float = 60.0


class TokenBucket:
    """A thread-safe token bucket: ``take()`` blocks until a token is available."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"token bucket needs rate > 0 and burst >= 1, got {rate}, {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()
        self.waited_s = 0.0

    def take(self) -> None:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return
            wait = (1 - self._tokens) / self.rate
            self._tokens = 0.0
            self._updated = now + wait
            self.waited_s += wait
        self._sleep(wait)


class RateLimitedAdapter(HTTPAdapter):
    """A transport adapter that takes a token before every request it sends."""

    def __init__(self, bucket: TokenBucket) -> None:
        super().__init__()
        self.bucket = bucket

    def send(self, request: PreparedRequest, **kwargs: object) -> Response:  # type: ignore[override]
        self.bucket.take()
        return super().send(request, **kwargs)  # type: ignore[arg-type]


def rate_limited_session(limits: ApiLimits, bucket: TokenBucket | None = None) -> Session:
    """A requests session with ``limits``' token bucket, timeout and retry policy."""
    client = Client(
        request_timeout=limits.timeout_s,
        request_max_attempts=limits.max_attempts,
        request_backoff_factor=limits.backoff_factor,
        request_max_retry_delay=limits.max_retry_delay_s,
        respect_retry_after_header=True,
        raise_for_status=True,
    )
    session = client.session
    adapter = RateLimitedAdapter(bucket or TokenBucket(limits.requests_per_second, limits.burst))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
