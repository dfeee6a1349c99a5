"""The real Evidence site, built offline from a fresh publication, read in headless Chromium.

One module-scoped build: the pipeline publishes into a temporary SALESPULSE_HOME,
``reports/scripts/build-site.sh`` runs ``npm run sources`` + ``npm run build:strict`` on that
file (``npm ci`` first when reports/node_modules is missing), ``reports/build`` is served on
127.0.0.1, and Debian Chromium renders pages with ``--dump-dom``. The numbers on the pages
must be the published file's, formatted as Evidence formats them, and the charts must have
drawn. A screenshot of the executive page is kept (path printed; $SALESPULSE_ARTIFACTS or
reports/screenshots/). Needs node/npm and chromium (scripts/install-chromium.sh).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration.settings import PROJECT_ROOT
from tests.reports_published import AS_OF, published_file

pytestmark = pytest.mark.slow

REPORTS = PROJECT_ROOT / "reports"
BUILD_SCRIPT = REPORTS / "scripts" / "build-site.sh"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--virtual-time-budget=15000",
    "--window-size=1400,1000",
]


def chromium_path() -> str:
    found = os.environ.get("SALESPULSE_CHROMIUM") or next(
        (path for path in CHROMIUM_CANDIDATES if os.access(path, os.X_OK)), None
    )
    assert found, "no chromium: run scripts/install-chromium.sh"
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return published_file(tmp_path_factory)


@pytest.fixture(scope="module")
def site(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """reports/build, freshly built from ``published``."""
    assert shutil.which("npm"), "node and npm are needed to build the report site"
    log = tmp_path_factory.mktemp("site") / "build-site.log"
    with log.open("w") as out:
        result = subprocess.run(
            [str(BUILD_SCRIPT), str(published)],
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
            check=False,
        )
    text = log.read_text()
    assert result.returncode == 0, f"build-site.sh failed ({log}):\n{text[-4000:]}"
    print(next((line for line in text.splitlines() if "[build-site] done" in line), ""))
    build = REPORTS / "build"
    assert (build / "index.html").exists()
    return build


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # Chromium drops connections it no longer needs when it exits


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def chromium(url: str, *extra: str) -> str:
    """Run headless Chromium on ``url`` and return its stdout (the DOM with --dump-dom)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        result = subprocess.run(
            [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Page(HTMLParser):
    """A rendered page: its visible text, BigValue title -> value, and table rows."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.dom = dom
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0
        self._text: list[str] = []
        self.feed(dom)
        text = re.sub(r"\s+", " ", " ".join(self._text))
        self.text = re.sub(r"\(\s+", "(", re.sub(r"\s+([).,])", r"\1", text))
        pairs = [
            (title.strip(), value.strip())
            for title, value in re.findall(
                r'<p class="text-sm[^"]*">([^<]*)</p>\s*<div class="relative text-xl[^"]*">'
                r"\s*<span[^>]*>([^<]*)</span>",
                dom,
            )
        ]
        self.big_values = dict(pairs)
        titles = [title for title, _ in pairs]
        assert len(set(titles)) == len(titles), f"BigValue titles repeat: {titles}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def charts(self) -> int:
        """ECharts instances that drew a canvas."""
        return len(
            re.findall(r"_echarts_instance_=\"[^\"]+\"[^>]*>\s*<div[^>]*>\s*<canvas", self.dom)
        )


@functools.cache
def _render(url: str) -> Page:
    return Page(chromium(url, "--dump-dom"))


# Evidence's error components (ErrorChart, BigValueError, ValueError, InlineError) all carry
# this class: a query or component that failed in the browser or while prerendering.
ERROR_COMPONENT = "border-negative/50"


def render(base_url: str, path: str) -> Page:
    page = _render(base_url + path)
    assert "Data as of" in page.text, page.text[:2000]
    assert ERROR_COMPONENT not in page.dom, f"{path} shows an error component"
    return page


def usd0(value: Any) -> str:
    """Evidence's usd0: dollars, thousands separators, rounded half away from zero."""
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"-${-whole:,}" if whole < 0 else f"${whole:,}"


def pct1(value: float) -> str:
    return f"{Decimal(str(value * 100)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def query(published: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_executive_page_shows_the_published_quarter(base_url: str, published: Path) -> None:
    page = render(base_url, "/executive")
    assert f"Data as of {AS_OF} (weekly publication)" in page.text
    rows = query(
        published,
        "select period_start, bookings, target, quota_attainment, is_complete_period"
        " from executive_view where period_type = 'quarter' order by period_start",
    )
    start, bookings, target, attainment, complete = rows[-1]
    assert not complete
    assert page.big_values["Bookings this quarter"] == usd0(bookings)
    assert page.big_values["Target this quarter"] == usd0(target)
    assert page.big_values["Attainment this quarter"] == pct1(attainment)
    last_complete = [row for row in rows if row[4]][-1]
    assert page.big_values["Bookings last complete quarter"] == usd0(last_complete[1])
    # the quarters table: one row per quarter, label, bookings, target
    table = {tuple(row[:3]) for row in page.rows}
    for start, bookings, target, *_ in rows:
        assert (start.strftime("%b %Y"), usd0(bookings), usd0(target)) in table
    assert page.charts >= 2


def test_leaderboard_ranks_and_links_every_rep(base_url: str, published: Path, site: Path) -> None:
    page = render(base_url, "/leaderboard")
    ranked = query(
        published,
        "select user_id, rep_name, team_name, bookings from leaderboard"
        " where period_type = 'quarter' and period_start ="
        " (select max(period_start) from leaderboard where period_type = 'quarter')"
        " order by rank_by_bookings",
    )
    leader = ranked[0]
    assert page.big_values["Top rep by bookings"] == leader[1]
    assert page.big_values["Their bookings"] == usd0(leader[3])
    first_rows = [row[:4] for row in page.rows if row and row[0] == "1"]
    assert ["1", leader[1], leader[2], usd0(leader[3])] in first_rows
    for user_id, *_ in ranked:  # every linked rep page was prerendered
        assert (site / "reps" / user_id / "index.html").exists(), user_id
        assert f'href="/reps/{user_id}"' in page.dom
    assert page.charts >= 1


def test_rep_page_shows_the_reps_quarter(base_url: str, published: Path) -> None:
    user_id, rep_name, bookings, win_rate = query(
        published,
        "select user_id, rep_name, bookings, win_rate from rep_performance"
        " where period_type = 'quarter' and period_start ="
        " (select max(period_start) from rep_performance where period_type = 'quarter')"
        " order by bookings desc, user_id limit 1",
    )[0]
    page = render(base_url, f"/reps/{user_id}")
    assert rep_name in page.text
    assert page.big_values["Bookings this quarter"] == usd0(bookings)
    assert page.big_values["Win rate"] == (pct1(win_rate) if win_rate is not None else "-")
    assert page.charts >= 2


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/rep-weekly",
        "/manager-weekly",
        "/pipeline-health",
        "/forecast",
        "/win-loss",
        "/activity",
        "/leads",
        "/churn-retention",
    ],
)
def test_page_renders_with_charts(base_url: str, path: str) -> None:
    page = render(base_url, path)
    assert f"Data as of {AS_OF}" in page.text
    assert page.charts >= 1, path
    assert "Error" not in page.big_values.values()


def test_pipeline_page_names_the_bottleneck(base_url: str, published: Path) -> None:
    stage_name, avg_days = query(
        published,
        "select stage_name, avg_days from stage_durations where is_bottleneck"
        " order by duration_vs_pipeline desc limit 1",
    )[0]
    page = render(base_url, "/pipeline-health")
    assert page.big_values["Bottleneck stage"] == stage_name
    assert page.big_values["Average days in stage"] == f"{avg_days:.1f}"


def test_screenshot_of_the_executive_page(base_url: str, tmp_path: Path) -> None:
    shot = tmp_path / "executive.png"
    chromium(base_url + "/executive", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a blank page is a few KB
    target_dir = Path(os.environ.get("SALESPULSE_ARTIFACTS") or REPORTS / "screenshots")
    target_dir.mkdir(parents=True, exist_ok=True)
    kept = target_dir / "executive.png"
    shutil.copyfile(shot, kept)
    print(f"screenshot: {kept}")
