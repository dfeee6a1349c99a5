"""The marts' own DuckDB file: where dbt builds them, and how readers and older homes see it.

dbt's profile attaches ``<warehouse>.marts.duckdb`` as catalog ``marts``
(dbt_project/profiles.yml) and builds every mart there, in schema ``main``
(macros/generate_names.sql); Python opens the same pair with
``orchestration.warehouse.connect``. Publishing copies the file whole (tests/test_publish.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.manifest import load_manifest, mart_nodes
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.warehouse import MARTS_CATALOG, connect, mart_tables, marts_path

DBT = Path(sys.executable).with_name("dbt")


def test_every_mart_and_nothing_else_is_built_in_the_marts_catalog() -> None:
    manifest = load_manifest()  # the project's, parsed by `make setup`
    marts = {node["name"] for node in mart_nodes(manifest)}
    assert len(marts) > 25
    in_catalog = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["database"] == MARTS_CATALOG
    }
    assert in_catalog == marts
    for node in mart_nodes(manifest):
        assert node["relation_name"] == f'"{MARTS_CATALOG}"."main"."{node["name"]}"'


@pytest.mark.slow
def test_dbt_attaches_the_file_python_names_and_drops_an_older_homes_marts_schema(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as old_home:  # marts as a schema, before their file
        old_home.execute("create schema marts")
        old_home.execute("create table marts.deals as select 1 as deal_id")
    env = {
        **os.environ,
        **Settings.dbt_as_of_env("2026-11-15"),
        "SALESPULSE_WAREHOUSE": str(warehouse),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    }
    done = subprocess.run(
        [
            str(DBT), "run", "--select", "+int_periods",
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
            "--vars", json.dumps(Settings(Path("/unused")).dbt_vars()),
        ],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert marts_path(warehouse).exists()  # the profile's path rule is Python's
    with connect(warehouse, read_only=True) as con:
        schemas = {
            name
            for (name,) in con.execute(
                "select schema_name from information_schema.schemata "
                "where catalog_name = current_database()"
            ).fetchall()
        }
        assert "marts" not in schemas and "intermediate" in schemas
        assert mart_tables(con) == []  # the old copy is gone, nothing built in its place yet
        # `marts.<table>` now names the marts file alone: not found there, not ambiguous
        with pytest.raises(duckdb.CatalogException, match="deals does not exist"):
            con.execute("select count(*) from marts.deals")
