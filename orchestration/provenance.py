"""Which code produced a publication: the git commit of the checkout, if there is one."""

from __future__ import annotations

import subprocess
from functools import cache

from orchestration.settings import PROJECT_ROOT


@cache
def code_version() -> str:
    """The checkout's commit (with ``-dirty`` when it has uncommitted changes), or 'unknown'."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{commit}-dirty" if dirty else commit
