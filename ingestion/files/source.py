"""The dlt source over a mapping: all 17 canonical raw tables, ``replace``, as Arrow.

``files_source(mapping)`` reads and validates every file *before* it returns (a bad
export raises ``FileImportError`` here, so nothing is landed and the previous
``raw_files`` tables stay intact). Each resource yields one Arrow table, possibly empty:
dlt still creates (or, on replace, empties) the table, with every column typed from the
canonical Arrow schema plus ``_dlt_load_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.common.libs.pyarrow import py_arrow_to_table_schema_columns
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from ingestion.demo_crm.schema import PRIMARY_KEYS, SCHEMAS
from ingestion.files.build import ImportResult, build_tables
from ingestion.files.mapping import Mapping, load_mapping

DATASET = "raw_files"


def _resource(name: str, table: pa.Table) -> DltResource:
    columns = py_arrow_to_table_schema_columns(SCHEMAS[name])
    # declared so that an empty import still has the column staging reads as load_id; not
    # nullable, as dlt stamps it on every Arrow row (a differing hint makes dlt warn)
    columns["_dlt_load_id"] = {"name": "_dlt_load_id", "data_type": "text", "nullable": False}

    def rows() -> Iterator[pa.Table]:
        yield table

    return dlt.resource(
        rows,
        name=name,
        write_disposition="replace",
        primary_key=list(PRIMARY_KEYS[name]),
        columns=columns,
    )


@dlt.source(name="files")
def _files_source(tables: dict[str, pa.Table]) -> list[DltResource]:
    return [_resource(name, tables[name]) for name in SCHEMAS]


def files_source_shape() -> DltSource:
    """The source's resources without reading any file (for the asset definitions)."""
    return _files_source({name: schema.empty_table() for name, schema in SCHEMAS.items()})


def import_tables(mapping: str | Path | Mapping) -> ImportResult:
    """Validate a mapping and its files; the canonical tables, or ``FileImportError``."""
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    return build_tables(mapping)


def files_source(mapping: str | Path | Mapping) -> DltSource:
    """The dlt source of one file import (validated eagerly; see the module docstring)."""
    return _files_source(import_tables(mapping).tables)


def files_pipeline(warehouse: Path, pipelines_dir: Path | None = None) -> dlt.Pipeline:
    """A pipeline landing into ``raw_files`` of the DuckDB file ``warehouse``."""
    return dlt.pipeline(
        pipeline_name="salespulse_files",
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name=DATASET,
        pipelines_dir=str(pipelines_dir) if pipelines_dir else None,
    )
