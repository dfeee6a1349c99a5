"""One published file for the report tests of a session: the real pipeline, run once.

Both tests/test_reports_pages.py and tests/test_reports_site.py need a publication made by
this checkout's pipeline (never the developer's published/ folder). The first caller runs
``salespulse run --as-of 2026-11-15`` in a temporary SALESPULSE_HOME (about a minute); later
callers in the same session get the same file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2026-11-15"
_published: dict[str, Path] = {}


def published_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published DuckDB file of a pipeline run as of AS_OF (run once per session)."""
    if "path" in _published:
        return _published["path"]
    home = tmp_path_factory.mktemp("reports_home")
    env = {
        **os.environ,
        "SALESPULSE_HOME": str(home),
        "DAGSTER_HOME": str(home / ".dagster"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DAGSTER_DISABLE_TELEMETRY": "true",
    }
    cli = Path(sys.executable).with_name("salespulse")
    result = subprocess.run(
        [str(cli), "run", "--as-of", AS_OF],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        output = result.stdout + result.stderr
        errors = [line for line in output.splitlines() if re.search(r"(?i)error|fail", line)]
        pytest.fail(
            "salespulse run failed:\n" + "\n".join(errors[:60]) + "\n...\n" + output[-2000:]
        )
    path = home / "published" / "salespulse.duckdb"
    assert path.exists(), f"the run published nothing under {home}"
    _published["path"] = path
    return path
