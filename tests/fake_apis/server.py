"""A real HTTP server on 127.0.0.1 with the faults real APIs show.

Each fake CRM API (hubspot.py, pipedrive.py, salesforce.py) subclasses ``FakeApi`` and
implements ``route(method, path, query, body) -> (status, json_body)``. The base class
checks the bearer token (401 otherwise) and injects, per ``Faults``:

- 429 with ``Retry-After`` when more than ``burst_limit`` requests arrive within
  ``burst_window_s`` (the client's token bucket should keep this rare, not impossible);
- a 5xx on every ``error_every``-th request;
- one response delayed past the client's timeout (the ``slow_request``-th);
- one truncated page (the ``truncated_request``-th): the full Content-Length is
  announced, half the body is sent, then the connection is closed.

Every request is logged in ``requests`` (method, path, query, status) so tests can
assert on retries and on what an incremental run asked for.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Faults:
    """Which faults to inject; the defaults are an undisturbed server."""

    burst_limit: int | None = None
    burst_window_s: float = 1.0
    retry_after_s: int = 1
    error_every: int | None = None
    error_status: int = 503
    slow_request: int | None = None
    slow_s: float = 3.0
    truncated_request: int | None = None

    @classmethod
    def realistic(cls) -> Faults:
        """All faults on: what the connector tests run against."""
        return cls(burst_limit=8, error_every=7, slow_request=3, truncated_request=5)


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    status: int


@dataclass
class FakeApi:
    """Base of a fake vendor API. Subclasses implement ``route``."""

    token: str = "test-token"
    faults: Faults = field(default_factory=Faults)
    requests: list[LoggedRequest] = field(default_factory=list)

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        raise NotImplementedError

    def authorized(self, headers: Any, query: dict[str, list[str]]) -> bool:
        """Bearer token by default; APIs with another scheme override this."""
        return headers.get("Authorization") == f"Bearer {self.token}"

    # -- served by FakeServer -------------------------------------------------------------

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._recent: deque[float] = deque()

    def _next_number(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    def _over_burst(self) -> bool:
        if self.faults.burst_limit is None:
            return False
        with self._lock:
            now = time.monotonic()
            while self._recent and now - self._recent[0] > self.faults.burst_window_s:
                self._recent.popleft()
            self._recent.append(now)
            return len(self._recent) > self.faults.burst_limit


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self, method: str) -> None:
        api = self.server.api
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        number = api._next_number()
        faults = api.faults
        truncate = False
        headers: dict[str, str] = {}
        if not api.authorized(self.headers, query):
            status, payload = 401, {"message": "invalid or missing credentials"}
        elif api._over_burst():
            status, payload = 429, {"message": "rate limit exceeded"}
            headers["Retry-After"] = str(faults.retry_after_s)
        elif faults.error_every and number % faults.error_every == 0:
            status, payload = faults.error_status, {"message": "temporarily unavailable"}
        else:
            if number == faults.slow_request:
                time.sleep(faults.slow_s)
            status, payload = api.route(method, parts.path, query, body)
            truncate = number == faults.truncated_request
        api.requests.append(LoggedRequest(method, parts.path, query, status))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        if truncate:
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.end_headers()
        self.wfile.write(data)

    def _serve_quietly(self, method: str) -> None:
        try:
            self._serve(method)
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up (a timeout we caused on purpose)
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve_quietly("GET")

    def do_POST(self) -> None:
        self._serve_quietly("POST")


class FakeServer(ThreadingHTTPServer):
    """Serve ``api`` on 127.0.0.1 (a free port) in a daemon thread; use as a context manager."""

    daemon_threads = True

    def __init__(self, api: FakeApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
