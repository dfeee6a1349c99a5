"""The run's memory: freed memory goes back before dbt starts (orchestration.memory), and
every DuckDB connection of the run holds the configured memory limit."""

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from orchestration.memory import release_unused_memory
from orchestration.quality import gx_duckdb
from orchestration.settings import Settings


def test_freed_arrow_memory_goes_back_to_the_os() -> None:
    release_unused_memory()
    # ~380 MB through Arrow's memory pool (as dlt's Arrow extract allocates), then dropped:
    # the pool keeps the pages until asked to release them
    tables = [pa.table({"x": pc.add(np.arange(5_000_000, dtype=np.int64), i)}) for i in range(10)]
    assert pa.total_allocated_bytes() >= 350 * 2**20
    del tables
    before, after = release_unused_memory()
    assert before - after >= 200 * 2**20, (before, after)


def test_the_run_s_duckdb_connections_hold_the_configured_memory_limit(tmp_path: Path) -> None:
    """SALESPULSE_DUCKDB_MEMORY_LIMIT reaches the publishing connection (Settings.duckdb_config),
    the GX datasources (warehouse_engine_kwargs) and dbt's profile (dbt_env)."""
    settings = Settings.from_env(
        {"SALESPULSE_HOME": str(tmp_path), "SALESPULSE_DUCKDB_MEMORY_LIMIT": "1GB"}
    )
    assert settings.dbt_env()["SALESPULSE_DUCKDB_MEMORY_LIMIT"] == "1GB"
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse), config=settings.duckdb_config) as con:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
    engine = sa.create_engine(
        gx_duckdb.connection_string(warehouse),
        **gx_duckdb.warehouse_engine_kwargs(read_only=True, config=settings.duckdb_config),
    )
    with engine.connect() as con:
        limit = con.exec_driver_sql("select current_setting('memory_limit')").scalar_one()
    engine.dispose()
    assert limit == "953.6 MiB"
    default = Settings.from_env({"SALESPULSE_HOME": str(tmp_path)}).duckdb_config
    assert default == {"memory_limit": "3GB"}
