"""Where SalesPulse keeps its files, and the few settings read from the environment.

Every path derives from ``SALESPULSE_HOME`` (default: the checkout root), so tests point a
whole run at a temporary directory by setting one variable.

>>> settings = Settings.from_env({"SALESPULSE_HOME": "/tmp/sp"})
>>> str(settings.warehouse_path)
'/tmp/sp/data/warehouse.duckdb'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DEFAULT_TIMEZONE = "UTC"
DEFAULT_HISTORY_START = "2024-01-01"
DEFAULT_REPORTING_CURRENCY = "USD"
DEFAULT_CRM_SOURCE = "demo_crm"
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"
"""What every DuckDB connection of a run may hold before spilling to disk (dbt's through
dbt_project/profiles.yml, which reads the same SALESPULSE_DUCKDB_MEMORY_LIMIT with the
same default): the run's peak memory stays bounded whatever the CRM's size
(docs/performance.md, Memory)."""
RAW_ROWS_PER_GB_FOR_PARALLEL_MODELS = 10_000_000
"""dbt builds two models side by side while the raw tables hold at most this many rows per GB
of the DuckDB memory limit, and one at a time above it. Each DuckDB query already uses every
core; two large models side by side split one memory limit and spill. Measured: at 1M deals
(18M raw rows, 3GB) two threads took 73.5 s of dbt execution against 82.2 s for one; at 10M
deals (182M raw rows, 12GB) ``rep_performance`` took 358 s beside other models and 73 s alone
(docs/performance.md, Memory)."""
CRM_SOURCES = ("demo_crm", "files", "hubspot", "pipedrive", "salesforce")
"""The CRM sources a warehouse can be built from (dbt var ``crm_source``; see docs/connectors)."""


@dataclass(frozen=True)
class Settings:
    """Paths and options of one SalesPulse installation."""

    home: Path
    timezone: str = DEFAULT_TIMEZONE
    history_start: str = DEFAULT_HISTORY_START
    reporting_currency: str = DEFAULT_REPORTING_CURRENCY
    fiscal_year_start_month: int = 1
    crm_source: str = DEFAULT_CRM_SOURCE
    files_mapping: str | None = None
    """For crm_source ``files``: the YAML mapping of the export (SALESPULSE_FILES_MAPPING)."""
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    dbt_threads: int | None = None
    """dbt's worker threads (SALESPULSE_DBT_THREADS); unset: ``dbt_threads_for`` the data."""

    def __post_init__(self) -> None:
        try:
            memory_limit_bytes(self.duckdb_memory_limit)
        except ValueError as error:
            raise ValueError(f"SALESPULSE_DUCKDB_MEMORY_LIMIT: {error}") from None
        if self.crm_source not in CRM_SOURCES:
            raise ValueError(
                f"SALESPULSE_CRM_SOURCE is {self.crm_source!r}; expected one of "
                + ", ".join(CRM_SOURCES)
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        timezone = env.get("SALESPULSE_TIMEZONE", DEFAULT_TIMEZONE)
        ZoneInfo(timezone)  # fail early, naming the bad zone
        return cls(
            home=Path(env.get("SALESPULSE_HOME", str(PROJECT_ROOT))).resolve(),
            timezone=timezone,
            history_start=env.get("SALESPULSE_HISTORY_START", DEFAULT_HISTORY_START),
            reporting_currency=env.get("SALESPULSE_REPORTING_CURRENCY", DEFAULT_REPORTING_CURRENCY),
            fiscal_year_start_month=int(env.get("SALESPULSE_FISCAL_YEAR_START_MONTH", "1")),
            crm_source=env.get("SALESPULSE_CRM_SOURCE", DEFAULT_CRM_SOURCE),
            files_mapping=env.get("SALESPULSE_FILES_MAPPING"),
            duckdb_memory_limit=env.get(
                "SALESPULSE_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT
            ),
            dbt_threads=_positive_int(env, "SALESPULSE_DBT_THREADS"),
        )

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB file the pipeline writes (one writer at a time); the marts are in a
        second file beside it (orchestration/warehouse.py)."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder for pipeline runs (one at a time, so partial parsing is reused)."""
        return self.data_dir / "dbt_target"

    @property
    def lineage_cache_path(self) -> Path:
        """Column lineage of the last dbt run's code (recomputed when the code changes)."""
        return self.data_dir / "lineage.json"

    @property
    def dlt_pipelines_dir(self) -> Path:
        return self.data_dir / "dlt"

    @property
    def published_dir(self) -> Path:
        """Where BI tools read: a DuckDB file swapped in atomically on every publication."""
        return self.home / "published"

    @property
    def published_path(self) -> Path:
        return self.published_dir / "salespulse.duckdb"

    def archive_path(self, cadence: str, as_of_date: str, run_id: str) -> Path:
        """Where a publication is kept after later ones replace the published file."""
        return self.published_dir / "archive" / cadence / f"{as_of_date}_{run_id[:8]}.duckdb"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME", str(self.home / ".dagster")))

    def dbt_env(self) -> dict[str, str]:
        """Environment variables the dbt profile reads."""
        return {
            "SALESPULSE_WAREHOUSE": str(self.warehouse_path),
            "SALESPULSE_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        }

    @property
    def duckdb_config(self) -> dict[str, str]:
        """``duckdb.connect(..., config=...)`` for the run's own warehouse connections."""
        return {"memory_limit": self.duckdb_memory_limit}

    def dbt_threads_for(self, raw_rows: int) -> int:
        """How many models dbt builds side by side over ``raw_rows`` raw rows: the configured
        number, else two unless the raw data is large for the memory limit (see
        ``RAW_ROWS_PER_GB_FOR_PARALLEL_MODELS``).

        >>> Settings(Path("/h")).dbt_threads_for(18_000_000)
        2
        >>> Settings(Path("/h"), duckdb_memory_limit="12GB").dbt_threads_for(182_000_000)
        1
        >>> Settings(Path("/h"), dbt_threads=4).dbt_threads_for(182_000_000)
        4
        """
        if self.dbt_threads is not None:
            return self.dbt_threads
        limit_gb = memory_limit_bytes(self.duckdb_memory_limit) / 10**9
        return 2 if raw_rows <= RAW_ROWS_PER_GB_FOR_PARALLEL_MODELS * limit_gb else 1

    def dbt_vars(self) -> dict[str, str | int]:
        """The dbt vars of every run of this deployment. The as-of date is not among them
        (see ``dbt_as_of_env``): dbt re-parses the whole project when a var changes."""
        return {
            "reporting_timezone": self.timezone,
            "reporting_currency": self.reporting_currency,
            "history_start_date": self.history_start,
            "fiscal_year_start_month": self.fiscal_year_start_month,
            "crm_source": self.crm_source,
        }

    @staticmethod
    def dbt_as_of_env(as_of_date: str) -> dict[str, str]:
        """How a run tells dbt its as-of date (YYYY-MM-DD): the environment variable the
        ``as_of_date_value`` macro reads when the var is not set. Only the files that read
        it are re-parsed when it changes, so a new week costs a partial parse."""
        return {"SALESPULSE_AS_OF_DATE": as_of_date}

    @property
    def raw_dataset(self) -> str:
        """The warehouse schema dlt lands the CRM source's raw tables in."""
        return f"raw_{self.crm_source}"


_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
               "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}  # fmt: skip


def memory_limit_bytes(limit: str) -> int:
    """A DuckDB memory limit (``3GB``, ``500MB``, ``1.5GiB``) in bytes.

    >>> memory_limit_bytes("3GB"), memory_limit_bytes("512 MiB")
    (3000000000, 536870912)
    """
    text = limit.strip().lower().replace(" ", "")
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(number) :] or "b"
    if not number or unit not in _SIZE_UNITS:
        raise ValueError(f"not a memory limit: {limit!r} (expected e.g. 3GB or 512MiB)")
    return int(float(number) * _SIZE_UNITS[unit])


def _positive_int(env: Mapping[str, str], name: str) -> int | None:
    """The environment variable ``name`` as a positive integer, or None if unset or empty."""
    text = env.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} is {text!r}; expected a positive whole number")
    return int(text)
