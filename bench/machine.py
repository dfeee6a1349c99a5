"""Facts about the machine and the tool versions a benchmark ran with."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from typing import Any

import psutil

PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt", "dlt", "pyarrow")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine_facts() -> dict[str, Any]:
    memory = psutil.virtual_memory()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gb": round(memory.total / 2**30, 1),
        "ram_available_gb": round(memory.available / 2**30, 1),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "versions": versions,
    }


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None
