"""Running the benchmark's commands: the project root, the quiet environment every child
process gets, timed commands, and the progress lines."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


QUIET_ENV = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DAGSTER_DISABLE_TELEMETRY": "true",
    "PYTHONUNBUFFERED": "1",
}


def say(message: str) -> None:
    print(f"bench [{datetime.now():%H:%M:%S}] {message}", flush=True)


def timed(
    command: Sequence[str], env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT
) -> tuple[float, int]:
    """(seconds, return code) of a command."""
    start = time.perf_counter()
    done = subprocess.run(
        list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return time.perf_counter() - start, done.returncode
