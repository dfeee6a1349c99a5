"""Process environment for the tools SalesPulse drives (dbt in a subprocess, dlt in-process).

Called once by the definitions; derived from Settings so there is one source of truth.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from orchestration.settings import PROJECT_ROOT, Settings


def bootstrap_environment(settings: Settings) -> None:
    """Point dbt's profile at the warehouse and dlt at the project's ``.dlt`` config."""
    os.environ.update(settings.dbt_env())
    os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_ROOT))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    settings.data_dir.mkdir(parents=True, exist_ok=True)


@contextmanager
def scoped_environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the block (the dbt subprocess started in it inherits
    them), then restore what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
