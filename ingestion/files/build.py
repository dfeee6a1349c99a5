"""Mapping + export files -> all 17 canonical raw tables as Arrow, validated in memory.

Everything is read, parsed and checked before anything is landed: a bad file raises
``FileImportError`` and the previous ``raw_files`` tables stay as they were. Tables the
mapping does not provide come out empty, fully typed, so staging never reads a missing
relation.
"""

from __future__ import annotations

import calendar
import datetime as dt
import glob
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.demo_crm.schema import PRIMARY_KEYS, SCHEMAS
from ingestion.files.convert import literal, parse
from ingestion.files.errors import FileImportError
from ingestion.files.mapping import ColumnSpec, FileSpec, Mapping, PartSpec, TableSpec
from ingestion.files.readers import DELIMITERS, SourceTable, read_file


@dataclass
class ImportResult:
    """The canonical tables and, per table, where their rows came from."""

    tables: dict[str, pa.Table]
    provenance: dict[str, list[str]] = field(default_factory=dict)
    source_rows: dict[str, int] = field(default_factory=dict)  # file path -> data rows

    def summary(self) -> str:
        lines = []
        for name, table in self.tables.items():
            origin = "; ".join(self.provenance.get(name, [])) or "not in the mapping: empty"
            lines.append(f"{name:22} {table.num_rows:>10,} rows  <- {origin}")
        return "\n".join(lines)


def _referenced_columns(mapping: Mapping) -> dict[str, set[str]]:
    needed: dict[str, set[str]] = {name: set() for name in mapping.files}
    for table in mapping.tables.values():
        for part in table.parts:
            cols = needed[part.source]
            cols.update(part.where)
            for spec in part.columns:
                cols.update(c for c in (spec.column, spec.months_before_snapshot) if c)
    return needed


def _check_columns(source: SourceTable, spec: FileSpec, needed: set[str]) -> None:
    names = source.table.column_names
    header_line = source.first_line - 1
    missing = [c for c in sorted(needed) if c not in names]
    if missing:
        hint = ""
        if len(names) == 1 and any(d in names[0] for d in DELIMITERS):
            hint = " (the header is one column: wrong delimiter? set 'delimiter')"
        raise FileImportError(
            f"missing column(s) {missing} used by the mapping; the file has {names}{hint}",
            file=source.path,
            line=header_line,
            column=missing[0],
        )
    if spec.options.extra_columns == "error":
        extra = [c for c in names if c not in needed]
        if extra:
            raise FileImportError(
                f"column(s) {extra} are not used by the mapping (extra_columns: error)",
                file=source.path,
                line=header_line,
                column=extra[0],
            )


def _read_all(mapping: Mapping) -> dict[str, list[SourceTable]]:
    needed = _referenced_columns(mapping)
    used = {part.source for table in mapping.tables.values() for part in table.parts}
    sources: dict[str, list[SourceTable]] = {}
    for name, spec in mapping.files.items():
        if name not in used:
            continue
        paths = sorted(glob.glob(spec.pattern))
        if not paths:
            raise FileImportError(
                f"no file matches {spec.pattern!r} (file {name!r} of the mapping)",
                file=str(mapping.path),
                column=f"files.{name}",
            )
        sources[name] = []
        for path in paths:
            source = read_file(Path(path), spec.options)
            _check_columns(source, spec, needed[name])
            sources[name].append(source)
    return sources


def _minus_months(snapshot: dt.date, months: int) -> dt.date:
    index = snapshot.year * 12 + snapshot.month - 1 - months
    year, month = divmod(index, 12)
    day = min(snapshot.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def _column(
    spec: ColumnSpec,
    source: SourceTable,
    file: FileSpec,
    target: pa.DataType,
    mapping: Mapping,
    where: str,
) -> pa.Array:
    n = source.table.num_rows
    mpath = str(mapping.path)
    if spec.value is None and spec.column is None and spec.months_before_snapshot is None:
        return pa.nulls(n, target)  # an unmapped column
    if spec.value is not None:
        return pa.repeat(literal(spec.value, target, where, mpath), n)
    if spec.months_before_snapshot is not None:
        assert mapping.snapshot_date is not None
        months = parse(
            source.table[spec.months_before_snapshot],
            pa.int32(),
            source,
            spec.months_before_snapshot,
            file.options,
        )
        distinct = {
            m: _minus_months(mapping.snapshot_date, m)
            for m in pc.unique(months).to_pylist()
            if m is not None
        }
        if any(m < 0 for m in distinct):
            row = int(pc.index(pc.less(months, 0), True).as_py())
            raise FileImportError(
                "a negative month count",
                file=source.path,
                line=source.line(row),
                column=spec.months_before_snapshot,
            )
        result = pa.array([distinct.get(m) for m in months.to_pylist()], pa.date32())
        return result if pa.types.is_date(target) else pc.cast(result, target)
    assert spec.column is not None
    values = source.table[spec.column].combine_chunks()
    if spec.mapping:
        text = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
        keys = pa.array(list(spec.mapping), pa.string())
        mapped_values = pa.array(
            [literal(v, target, where, mpath).as_py() for v in spec.mapping.values()], target
        )
        position = pc.index_in(text, keys)  # null: not a key (or a null value)
        hit = pc.is_valid(position)
        mapped = pc.take(mapped_values, position)
        if spec.has_otherwise:
            rest = pa.repeat(literal(spec.otherwise, target, where, mpath), n)
            rest = pc.if_else(pc.is_valid(text), rest, pa.scalar(None, target))
        else:
            rest = parse(
                pc.if_else(hit, pa.scalar(None, text.type), text),
                target,
                source,
                spec.column,
                file.options,
                spec.format,
            )
        result = pc.if_else(hit, mapped, rest)
    else:
        result = parse(values, target, source, spec.column, file.options, spec.format)
    if spec.default is not None:
        result = pc.fill_null(result, literal(spec.default, target, where, mpath))
    return result


def _part_rows(
    table: str, part: PartSpec, sources: list[SourceTable], file: FileSpec, mapping: Mapping
) -> tuple[pa.Table, list[str]]:
    schema = SCHEMAS[table]
    specs = {spec.target: spec for spec in part.columns}
    pieces, notes = [], []
    for source in sources:
        arrays = []
        for column in schema:
            spec = specs.get(column.name, ColumnSpec(target=column.name))
            arrays.append(
                _column(
                    spec,
                    source,
                    file,
                    column.type,
                    mapping,
                    f"tables.{table}.columns.{column.name}",
                )
            )
        rows = pa.Table.from_arrays(arrays, schema=schema)
        total = rows.num_rows
        if part.where:
            mask = pa.repeat(pa.scalar(True), total)
            for col, allowed in part.where.items():
                values = source.table[col]
                values = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
                mask = pc.and_(mask, pc.fill_null(pc.is_in(values, pa.array(allowed)), False))
            rows = rows.filter(mask)
        kept_where = rows.num_rows
        for col in part.drop_if_null:
            rows = rows.filter(pc.is_valid(rows[col]))
        after_drop = rows.num_rows
        if part.distinct:
            rows = (
                rows.group_by(schema.names, use_threads=False)
                .aggregate([])
                .select(schema.names)
                .cast(schema)
            )
        note = f"{Path(source.path).name} ({total:,} rows"
        if part.where:
            note += f", {kept_where:,} where {dict(part.where)}"
        if part.drop_if_null:
            note += f", {kept_where - after_drop:,} without {list(part.drop_if_null)}"
        if part.distinct:
            note += ", distinct"
        notes.append(note + f" -> {rows.num_rows:,})")
        pieces.append(rows)
    return pa.concat_tables(pieces), notes


def _inline_rows(spec: TableSpec, mapping: Mapping) -> pa.Table:
    schema = SCHEMAS[spec.name]
    arrays = [
        pa.array(
            [
                literal(
                    row.get(col.name),
                    col.type,
                    f"tables.{spec.name}.rows.{col.name}",
                    str(mapping.path),
                ).as_py()
                for row in spec.rows
            ],
            col.type,
        )
        for col in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _check_keys(name: str, table: pa.Table, mapping: Mapping) -> None:
    keys = list(PRIMARY_KEYS[name])
    for key in keys:
        nulls = table[key].null_count
        if nulls:
            raise FileImportError(
                f"{nulls} row(s) of {name} have no {key} (a key column); map it or filter them",
                file=str(mapping.path),
                column=f"tables.{name}.columns.{key}",
            )
    if len(keys) == 1 and len(pc.unique(table[keys[0]])) == table.num_rows:
        return  # one key column, all distinct: a hash pass, much cheaper than a group-by
    counts = table.group_by(keys).aggregate([([], "count_all")])
    dupes = counts.filter(pc.greater(counts["count_all"], 1))
    if dupes.num_rows:
        first = {k: dupes[k][0].as_py() for k in keys}
        raise FileImportError(
            f"{dupes.num_rows} duplicate key(s) in {name}, e.g. {first}",
            file=str(mapping.path),
            column=f"tables.{name}",
        )


def _check_stage_ids(table: pa.Table, mapping: Mapping) -> None:
    """A stage id names one stage in every pipeline: deals and stage history carry the stage
    id alone (a deal may move between pipelines), so the models look stages up by it."""
    pipelines = table.group_by("stage_id").aggregate([("pipeline_id", "count_distinct")])
    shared = pipelines.filter(pc.greater(pipelines["pipeline_id_count_distinct"], 1))
    if shared.num_rows:
        stage = shared["stage_id"][0].as_py()
        names = sorted(
            {p.as_py() for p in table.filter(pc.equal(table["stage_id"], stage))["pipeline_id"]}
        )
        raise FileImportError(
            f"stage_id {stage!r} is in pipelines {', '.join(map(repr, names))} "
            f"({shared.num_rows} shared stage id(s)): stage ids must be unique across "
            "pipelines, since deals and stage history name a stage by its id alone; "
            f"give each pipeline its own ids (e.g. '{names[0]}_{stage}')",
            file=str(mapping.path),
            column="tables.pipeline_stages.stage_id",
        )


def build_tables(mapping: Mapping) -> ImportResult:
    """Read every file of ``mapping`` and return the 17 canonical tables (or raise)."""
    sources = _read_all(mapping)
    result = ImportResult(tables={})
    for name in sources:
        for source in sources[name]:
            result.source_rows[source.path] = source.table.num_rows
    for name, schema in SCHEMAS.items():
        spec = mapping.tables.get(name)
        if spec is None:
            result.tables[name] = schema.empty_table()
            continue
        if spec.rows:
            table = _inline_rows(spec, mapping)
            result.provenance[name] = [f"{len(spec.rows)} inline rows"]
        else:
            pieces = []
            result.provenance[name] = []
            for part in spec.parts:
                rows, notes = _part_rows(
                    name, part, sources[part.source], mapping.files[part.source], mapping
                )
                pieces.append(rows)
                result.provenance[name] += notes
            table = pa.concat_tables(pieces) if pieces else schema.empty_table()
        _check_keys(name, table, mapping)
        if name == "pipeline_stages":
            _check_stage_ids(table, mapping)
        result.tables[name] = table
    return result
