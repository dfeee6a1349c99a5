"""Raw CRM tables for Spark: dlt lands the source as Parquet, Spark reads it as tables.

On DuckDB, dlt loads the raw tables straight into the warehouse. On Spark (and on a
lakehouse in general) dlt writes Parquet files through its ``filesystem`` destination,
one folder per table, each row carrying dlt's ``_dlt_load_id`` and ``_dlt_id``, exactly
the columns staging reads. This module registers those folders as external Parquet tables
in schema ``raw_demo_crm`` of Spark's metastore (the one dbt's ``spark`` target uses), so
``dbt build --target spark`` finds its sources. The same folders can be attached to a
DuckDB file too (the Spark parity test builds both engines from one set of files).

    # land the demo CRM as Parquet (dlt filesystem destination) and register it on Spark
    python -m orchestration.spark_sources --size 2000 --as-of 2026-11-15 --out data/spark/raw
    # register Parquet that dlt (or a cluster job) already wrote
    python -m orchestration.spark_sources --register-only --out data/spark/raw

The Spark session takes its settings from the ``spark`` output of dbt_project/profiles.yml
(``server_side_parameters``, with ``env_var`` rendered), so both share one metastore.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from orchestration.settings import DBT_PROJECT_DIR

RAW_SCHEMA = "raw_demo_crm"
PIPELINE_NAME = "demo_crm_parquet"
DEFAULT_SPARK_DIR = (DBT_PROJECT_DIR / ".." / "data" / "spark").resolve()


# ---------------------------------------------------------------------------- landing


def land_demo_crm(
    out_dir: Path,
    size: int,
    as_of: date,
    seed: int = 42,
    dataset: str = RAW_SCHEMA,
    pipelines_dir: Path | None = None,
) -> Path:
    """Run the demo CRM's dlt source into ``out_dir`` as Parquet (dlt ``filesystem``
    destination, layout ``<dataset>/<table>/<load_id>.<file_id>.parquet``); returns the
    dataset folder."""
    import dlt

    from ingestion.demo_crm import DemoCrmConfig, demo_crm_source

    out_dir = out_dir.resolve()
    pipeline = dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=dlt.destinations.filesystem(bucket_url=out_dir.as_uri()),
        dataset_name=dataset,
        pipelines_dir=str(pipelines_dir or out_dir / ".dlt_pipelines"),
    )
    # always a full extract: the filesystem destination writes Parquet files, it cannot
    # merge (an incremental load would append duplicates next to the previous files)
    source = demo_crm_source(DemoCrmConfig(size=size, seed=seed, as_of=as_of), incremental=False)
    pipeline.run(source, loader_file_format="parquet")
    return out_dir / dataset


def raw_table_dirs(dataset_dir: Path) -> dict[str, Path]:
    """The data tables dlt wrote under ``dataset_dir`` (not its ``_dlt_*`` bookkeeping)."""
    tables = {
        path.name: path
        for path in sorted(dataset_dir.iterdir())
        if path.is_dir() and not path.name.startswith("_dlt") and any(path.glob("*.parquet"))
    }
    if not tables:
        raise FileNotFoundError(f"no Parquet table folders under {dataset_dir}")
    return tables


# ---------------------------------------------------------------------------- Spark


def spark_parameters(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``spark`` target's ``server_side_parameters`` from profiles.yml, rendered
    (``env_var`` as dbt does) so this session and dbt's share metastore and warehouse."""
    import jinja2

    environ = dict(os.environ if environ is None else environ)
    # dbt resolves the profile's relative default against its working directory
    # (dbt_project/); outside dbt, pin it to the same folder.
    environ.setdefault("SALESPULSE_SPARK_DIR", str(DEFAULT_SPARK_DIR))
    Path(environ["SALESPULSE_SPARK_DIR"]).mkdir(parents=True, exist_ok=True)

    def env_var(name: str, default: str | None = None) -> str:
        if name in environ:
            return environ[name]
        if default is None:
            raise KeyError(f"env var {name} is not set")
        return default

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    params = profile["salespulse"]["outputs"]["spark"]["server_side_parameters"]
    env = jinja2.Environment()
    rendered = {str(k): env.from_string(str(v)).render(env_var=env_var) for k, v in params.items()}
    # what dbt-spark forces on every session
    rendered["spark.sql.ansi.enabled"] = "false"
    return rendered


def spark_session(environ: Mapping[str, str] | None = None) -> Any:
    """A local Spark session configured like dbt's ``spark`` target (Hive metastore)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_parameters(environ).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def register_spark(spark: Any, dataset_dir: Path, schema: str = RAW_SCHEMA) -> list[str]:
    """(Re)create ``schema.<table>`` as an external Parquet table over each table folder."""
    spark.sql(f"create schema if not exists {schema}")
    names = []
    for name, path in raw_table_dirs(dataset_dir).items():
        spark.sql(f"drop table if exists {schema}.{name}")
        spark.sql(
            f"create table {schema}.{name} using parquet location '{path.resolve().as_uri()}'"
        )
        names.append(name)
    return names


# ---------------------------------------------------------------------------- DuckDB


def register_duckdb(warehouse: Path, dataset_dir: Path, schema: str = RAW_SCHEMA) -> list[str]:
    """Copy each table folder into ``schema.<table>`` of a DuckDB file (what dlt's duckdb
    destination would have loaded), for building both engines from the same files."""
    import duckdb

    names = []
    with duckdb.connect(str(warehouse)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create schema if not exists {schema}")
        for name, path in raw_table_dirs(dataset_dir).items():
            files = str(path.resolve() / "*.parquet")
            con.execute(
                f"create or replace table {schema}.{name} as select * from read_parquet(?)",
                [files],
            )
            names.append(name)
    return names


# ---------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.spark_sources",
        description="Land the demo CRM as Parquet with dlt and register it as Spark tables.",
    )
    parser.add_argument("--out", type=Path, default=Path("data/spark/raw"))
    parser.add_argument("--size", type=int, default=2_000, help="demo CRM deals")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 15))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--register-only", action="store_true", help="register existing Parquet, do not land"
    )
    parser.add_argument("--schema", default=RAW_SCHEMA)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    dataset_dir = args.out.resolve() / args.schema
    if not args.register_only:
        dataset_dir = land_demo_crm(args.out, args.size, args.as_of, args.seed, args.schema)
        print(f"landed the demo CRM (size {args.size:,}) as Parquet in {dataset_dir}")
    spark = spark_session()
    try:
        names = register_spark(spark, dataset_dir, args.schema)
    finally:
        spark.stop()
    print(
        f"registered {len(names)} tables in Spark schema {args.schema}"
        f" ({time.perf_counter() - start:.1f}s): {', '.join(names)}"
    )


if __name__ == "__main__":
    main()
