"""Typed canonical columns from text cells, vectorised with Arrow compute.

Every conversion checks that each non-empty source value parsed; the first one that did
not is reported with its file line and column (``FileImportError``), never turned into a
silent null.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.files.errors import FileImportError
from ingestion.files.mapping import FileOptions
from ingestion.files.readers import SourceTable

INT_PATTERN = r"^[+-]?\d+(\.0+)?$"
FLOAT_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
TRUE = ("true", "yes", "y", "t", "1")
FALSE = ("false", "no", "n", "f", "0")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
ISO_SHAPES: dict[str, tuple[int, str | None]] = {
    "%Y-%m-%dT%H:%M:%S": (19, "T"),
    "%Y-%m-%d %H:%M:%S": (19, " "),
    "%Y-%m-%d": (10, None),
}  # formats with a fast path: (length, date-time separator); see _iso_fast


def _first_bad(ok: pa.Array, values: pa.Array) -> int | None:
    bad = pc.and_(pc.invert(pc.fill_null(ok, False)), pc.is_valid(values))
    if not pc.any(bad).as_py():
        return None
    return int(pc.index(bad, True).as_py())


def _raise(source: SourceTable, column: str, row: int, values: pa.Array, what: str) -> None:
    raise FileImportError(
        f"{values[row].as_py()!r} is not {what}",
        file=source.path,
        line=source.line(row),
        column=column,
    )


def _numeric_text(values: pa.Array, options: FileOptions) -> pa.Array:
    values = pc.utf8_trim_whitespace(values)
    if options.thousands:
        values = pc.replace_substring(values, options.thousands, "")
    if options.decimal == ",":
        values = pc.replace_substring(values, ",", ".")
    return values


def _excel_serial(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Numbers as Excel day serials -> (timestamps, mask of values that were serials)."""
    is_serial = pc.fill_null(pc.match_substring_regex(values, FLOAT_PATTERN), False)
    serial = pc.cast(pc.if_else(is_serial, values, None), pa.float64())
    micros = pc.cast(pc.round(pc.multiply(serial, 86_400_000_000.0)), pa.int64())
    epoch = int((EXCEL_EPOCH - dt.datetime(1970, 1, 1)).total_seconds() * 1_000_000)
    stamps = pc.cast(pc.add(micros, epoch), pa.timestamp("us"))
    return stamps, is_serial


def _unpadded(values: pa.Array) -> pa.Array:
    return pc.utf8_lower(pc.replace_substring_regex(values, r"(^|\D)0+(\d)", r"\1\2"))


def _reject_rollover(parsed: pa.Array, values: pa.Array, fmt: str) -> pa.Array:
    """strptime rolls impossible days over (2025-02-30 -> 2025-03-02). Such a value lands
    on day 1-3 of a month, so only those are checked: a value counts as parsed when
    formatting it back gives the input (zero padding and case aside)."""
    suspect = pc.fill_null(pc.less_equal(pc.day(parsed), 3), False)
    if not pc.any(suspect).as_py():
        return parsed
    rows = pc.indices_nonzero(suspect)
    back = pc.strftime(pc.cast(pc.take(parsed, rows), pa.timestamp("s")), format=fmt)
    same = pc.equal(_unpadded(back), _unpadded(pc.take(values, rows)))
    bad = pc.filter(rows, pc.invert(same))
    if len(bad) == 0:
        return parsed
    mask = pc.is_in(pa.array(range(len(parsed)), pa.uint64()), pc.cast(bad, pa.uint64()))
    return pc.if_else(mask, pa.scalar(None, pa.timestamp("us")), parsed)


def _iso_fast(values: pa.Array, pending: pa.Array, fmt: str) -> pa.Array | None:
    """Arrow's ISO-8601 cast (several times faster than ``strptime``) for an ISO format,
    when *every* pending value has exactly the format's shape (length, separators) and
    casts; ``None`` otherwise (the caller then takes the general path). For values of that
    shape the cast agrees with ``strptime`` plus the rollover check: both need digits in
    every field, and the cast refuses impossible dates (2025-02-30) outright."""
    shape = ISO_SHAPES.get(fmt)
    if shape is None:
        return None
    length, separator = shape
    todo = pc.filter(values, pending)
    if not pc.all(pc.equal(pc.binary_length(todo), length)).as_py():
        return None
    # Of that length the cast accepts only YYYY-MM-DD[(T| )HH:MM:SS]: the one character
    # left to pin is the date-time separator (the cast takes both T and a space)
    if separator and not pc.all(pc.match_substring(todo, separator)).as_py():
        return None
    try:
        return pc.cast(pc.if_else(pending, values, None), pa.timestamp("us"))
    except pa.ArrowInvalid:
        return None


def _timestamps(
    values: pa.Array,
    formats: tuple[str, ...],
    source: SourceTable,
    column: str,
    what: str,
    xlsx: bool,
) -> pa.Array:
    values = pc.utf8_trim_whitespace(values)
    result = pa.nulls(len(values), pa.timestamp("us"))
    if xlsx:
        result, _ = _excel_serial(values)
    for fmt in formats:
        pending = pc.and_(pc.is_null(result), pc.is_valid(values))
        if not pc.any(pending).as_py():
            break
        fast = _iso_fast(values, pending, fmt)
        if fast is not None:
            result = pc.coalesce(result, fast)
            continue
        parsed = pc.strptime(values, format=fmt, unit="us", error_is_null=True)
        result = pc.coalesce(result, _reject_rollover(parsed, values, fmt))
    row = _first_bad(pc.is_valid(result), values)
    if row is not None:
        _raise(source, column, row, values, f"{what} in the format {' or '.join(formats)}")
    return result


def parse(
    values: pa.Array,
    target: pa.DataType,
    source: SourceTable,
    column: str,
    options: FileOptions,
    fmt: str | None = None,
) -> pa.Array:
    """Parse a text column into ``target``; raises on the first value that does not parse."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        try:
            if (
                pa.types.is_timestamp(target)
                and pa.types.is_timestamp(values.type)
                and values.type.tz is None
            ):
                values = pc.assume_timezone(values, options.timezone)
            return pc.cast(values, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            raise FileImportError(
                f"column of type {values.type} cannot become {target}: {error}",
                file=source.path,
                column=column,
            ) from None
    xlsx = source.path.lower().endswith((".xlsx", ".xlsm"))
    if pa.types.is_string(target):
        return values
    if pa.types.is_integer(target):
        text = _numeric_text(values, options)
        row = _first_bad(pc.match_substring_regex(text, INT_PATTERN), text)
        if row is not None:
            _raise(source, column, row, values, "a whole number")
        return pc.cast(pc.cast(text, pa.float64()), target)
    if pa.types.is_floating(target):
        text = _numeric_text(values, options)
        row = _first_bad(pc.match_substring_regex(text, FLOAT_PATTERN), text)
        if row is not None:
            hint = " (decimal comma? set decimal: ',')" if options.decimal == "." else ""
            _raise(source, column, row, values, "a number" + hint)
        return pc.cast(text, target)
    if pa.types.is_boolean(target):
        lowered = pc.utf8_lower(pc.utf8_trim_whitespace(values))
        is_true = pc.is_in(lowered, pa.array(TRUE))
        is_false = pc.is_in(lowered, pa.array(FALSE))
        row = _first_bad(pc.or_(is_true, is_false), values)
        if row is not None:
            _raise(source, column, row, values, "a boolean (true/false, yes/no, 1/0)")
        return pc.if_else(pc.is_valid(values), is_true, pa.scalar(None, pa.bool_()))
    if pa.types.is_date(target):
        stamps = _timestamps(values, (fmt or options.date_format,), source, column, "a date", xlsx)
        return pc.cast(pc.floor_temporal(stamps, unit="day"), pa.date32())
    if pa.types.is_timestamp(target):
        formats = (fmt,) if fmt else options.timestamp_format
        stamps = _timestamps(values, formats, source, column, "a timestamp", xlsx)
        return pc.assume_timezone(stamps, options.timezone).cast(target)
    raise FileImportError(f"unsupported canonical type {target}", file=source.path, column=column)


def literal(value: Any, target: pa.DataType, where: str, mapping_path: str) -> pa.Scalar:
    """A constant from the mapping (value, map target, default) as a typed scalar."""
    if value is None:
        return pa.scalar(None, target)
    try:
        if pa.types.is_timestamp(target):
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                value = dt.datetime(value.year, value.month, value.day)
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
            return pa.scalar(value, target)
        if pa.types.is_date(target) and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        if pa.types.is_string(target):
            value = str(value).lower() if isinstance(value, bool) else str(value)
        if pa.types.is_boolean(target) and isinstance(value, str):
            if value.lower() not in TRUE + FALSE:
                raise ValueError(value)
            value = value.lower() in TRUE
        return pa.scalar(value, target)
    except (ValueError, TypeError, pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise FileImportError(
            f"constant {value!r} is not a {target}: {error}", file=mapping_path, column=where
        ) from None
