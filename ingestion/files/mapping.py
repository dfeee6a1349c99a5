"""The declarative mapping: which export file feeds which canonical raw table, and how.

A mapping is a YAML file (documented in docs/connectors/files.md; presets in
``ingestion/files/presets/``). Paths in it are relative to the mapping file. Loading
validates its structure and names (files, canonical tables and columns) so that a typo
fails before any data file is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingestion.demo_crm.schema import SCHEMAS
from ingestion.files.errors import FileImportError

FORMATS = ("csv", "xlsx", "parquet")
FORMAT_KEYS = {
    "format",
    "encoding",
    "delimiter",
    "decimal",
    "thousands",
    "date_format",
    "timestamp_format",
    "timezone",
    "sheet",
    "skip_rows",
    "extra_columns",
    "allow_empty",
}
COLUMN_KEYS = {"column", "value", "map", "else", "default", "format", "months_before_snapshot"}
PART_KEYS = {"from", "where", "columns", "distinct", "drop_if_null"}


@dataclass(frozen=True)
class FileOptions:
    """How to read one export file (every key may also be set under ``defaults``)."""

    format: str | None = None  # csv | xlsx | parquet; default: from the extension
    encoding: str = "utf-8"  # a UTF-8 BOM is always accepted and removed
    delimiter: str = "auto"  # "auto" sniffs , ; tab | from the header line
    decimal: str = "."  # "," for decimal-comma exports
    thousands: str | None = None  # a thousands separator to drop from numbers
    date_format: str = "%Y-%m-%d"
    timestamp_format: tuple[str, ...] = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
    timezone: str = "UTC"  # zone of naive timestamps
    sheet: str | None = None  # XLSX: sheet name (default: the first sheet)
    skip_rows: int = 0  # lines before the header (report titles)
    extra_columns: str = "allow"  # allow | error: unmapped columns in the file
    allow_empty: bool = False  # a header without data rows is an error unless true


@dataclass(frozen=True)
class FileSpec:
    name: str
    pattern: str  # absolute glob
    options: FileOptions


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column: from a source column or a constant, then value maps."""

    target: str
    column: str | None = None
    value: Any = None
    mapping: dict[str, Any] | None = None
    otherwise: Any = None  # value for non-null source values missing from ``mapping``
    has_otherwise: bool = False
    default: Any = None  # value when the result is null
    format: str | None = None  # date/timestamp format for this column's source values
    months_before_snapshot: str | None = None  # source column of a month count


@dataclass(frozen=True)
class PartSpec:
    """Rows of a canonical table taken from one file (a table is the union of its parts)."""

    source: str
    columns: tuple[ColumnSpec, ...]
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    distinct: bool = False
    drop_if_null: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    name: str
    parts: tuple[PartSpec, ...] = ()
    rows: tuple[dict[str, Any], ...] = ()  # inline rows (pipelines, stages, FX)


@dataclass(frozen=True)
class Mapping:
    path: Path
    name: str
    snapshot_date: dt.date | None
    files: dict[str, FileSpec]
    tables: dict[str, TableSpec]


def _fail(path: Path, key: str, message: str) -> FileImportError:
    return FileImportError(message, file=str(path), column=key)


def _options(path: Path, key: str, raw: dict[str, Any], base: FileOptions) -> FileOptions:
    unknown = set(raw) - FORMAT_KEYS - {"path"}
    if unknown:
        raise _fail(path, key, f"unknown option(s) {sorted(unknown)}; known: {sorted(FORMAT_KEYS)}")
    values = dict(base.__dict__)
    for name, value in raw.items():
        if name == "path":
            continue
        if name == "timestamp_format":
            value = (value,) if isinstance(value, str) else tuple(value)
        values[name] = value
    options = FileOptions(**values)
    if options.format is not None and options.format not in FORMATS:
        raise _fail(path, key, f"format must be one of {FORMATS}, not {options.format!r}")
    if options.extra_columns not in ("allow", "error"):
        raise _fail(path, key, "extra_columns must be 'allow' or 'error'")
    if options.decimal not in (".", ","):
        raise _fail(path, key, "decimal must be '.' or ','")
    return options


def _column(path: Path, key: str, target: str, raw: Any) -> ColumnSpec:
    if isinstance(raw, str):
        return ColumnSpec(target=target, column=raw)
    if not isinstance(raw, dict):
        raise _fail(
            path, key, "a column is a source column name or a mapping with 'column' or 'value'"
        )
    unknown = set(raw) - COLUMN_KEYS
    if unknown:
        raise _fail(path, key, f"unknown key(s) {sorted(unknown)}; known: {sorted(COLUMN_KEYS)}")
    sources = [k for k in ("column", "value", "months_before_snapshot") if k in raw]
    if len(sources) != 1:
        raise _fail(path, key, "give exactly one of 'column', 'value', 'months_before_snapshot'")
    mapping = raw.get("map")
    if mapping is not None and not isinstance(mapping, dict):
        raise _fail(path, key, "'map' must be a mapping of source value -> value")
    return ColumnSpec(
        target=target,
        column=raw.get("column"),
        value=raw.get("value"),
        mapping={str(k): v for k, v in mapping.items()} if mapping else None,
        otherwise=raw.get("else"),
        has_otherwise="else" in raw,
        default=raw.get("default"),
        format=raw.get("format"),
        months_before_snapshot=raw.get("months_before_snapshot"),
    )


def _part(
    path: Path, table: str, index: int, raw: dict[str, Any], files: dict[str, FileSpec]
) -> PartSpec:
    key = f"tables.{table}" + (f".parts[{index}]" if index >= 0 else "")
    unknown = set(raw) - PART_KEYS
    if unknown:
        raise _fail(path, key, f"unknown key(s) {sorted(unknown)}; known: {sorted(PART_KEYS)}")
    source = raw.get("from")
    if source not in files:
        raise _fail(path, key, f"'from' must name a file declared under 'files' (got {source!r})")
    schema = SCHEMAS[table]
    columns = []
    for target, spec in (raw.get("columns") or {}).items():
        if target not in schema.names:
            raise _fail(
                path,
                f"{key}.columns.{target}",
                f"{table} has no column {target!r}; columns: {schema.names}",
            )
        columns.append(_column(path, f"{key}.columns.{target}", target, spec))
    where = {
        str(col): tuple(str(v) for v in (vals if isinstance(vals, list) else [vals]))
        for col, vals in (raw.get("where") or {}).items()
    }
    drop = tuple(raw.get("drop_if_null") or ())
    for name in drop:
        if name not in schema.names:
            raise _fail(path, f"{key}.drop_if_null", f"{table} has no column {name!r}")
    return PartSpec(
        source=source,
        columns=tuple(columns),
        where=where,
        distinct=bool(raw.get("distinct", False)),
        drop_if_null=drop,
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping YAML file."""
    path = Path(path).resolve()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileImportError("mapping file not found", file=str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FileImportError(
            f"invalid YAML: {getattr(error, 'problem', error)}",
            file=str(path),
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(raw, dict):
        raise FileImportError(
            "a mapping is a YAML mapping with 'files' and 'tables'", file=str(path)
        )
    unknown = set(raw) - {"name", "description", "snapshot_date", "defaults", "files", "tables"}
    if unknown:
        raise _fail(path, ",".join(sorted(unknown)), "unknown top-level key(s)")
    snapshot = raw.get("snapshot_date")
    if isinstance(snapshot, str):
        snapshot = dt.date.fromisoformat(snapshot)
    defaults = _options(path, "defaults", raw.get("defaults") or {}, FileOptions())
    files: dict[str, FileSpec] = {}
    for name, spec in (raw.get("files") or {}).items():
        spec = {"path": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or "path" not in spec:
            raise _fail(
                path, f"files.{name}", "a file needs a 'path' (a glob relative to the mapping)"
            )
        files[name] = FileSpec(
            name=name,
            pattern=str(path.parent / spec["path"]),
            options=_options(path, f"files.{name}", spec, defaults),
        )
    tables: dict[str, TableSpec] = {}
    for table, spec in (raw.get("tables") or {}).items():
        if table not in SCHEMAS:
            raise _fail(
                path, f"tables.{table}", f"not a canonical table; tables: {sorted(SCHEMAS)}"
            )
        if "rows" in spec:
            rows = tuple(spec["rows"] or ())
            for row in rows:
                bad = set(row) - set(SCHEMAS[table].names)
                if bad:
                    raise _fail(
                        path, f"tables.{table}.rows", f"{table} has no column(s) {sorted(bad)}"
                    )
            tables[table] = TableSpec(name=table, rows=rows)
        elif "parts" in spec:
            parts = tuple(_part(path, table, i, p, files) for i, p in enumerate(spec["parts"]))
            tables[table] = TableSpec(name=table, parts=parts)
        else:
            tables[table] = TableSpec(name=table, parts=(_part(path, table, -1, spec, files),))
        for part in tables[table].parts:
            for column in part.columns:
                if column.months_before_snapshot and snapshot is None:
                    raise _fail(
                        path,
                        f"tables.{table}.columns.{column.target}",
                        "months_before_snapshot needs a top-level snapshot_date",
                    )
    return Mapping(
        path=path,
        name=str(raw.get("name", path.stem)),
        snapshot_date=snapshot,
        files=files,
        tables=tables,
    )
