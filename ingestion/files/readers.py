"""Readers: one export file -> an Arrow table of its columns, plus where its rows are.

CSV and XLSX cells are read as text (nothing is guessed); the mapping's column types
decide the parsing later (``convert.py``), so an unparseable value is reported with its
line. Parquet keeps its own types. CSV is parsed by ``pyarrow.csv`` (multi-threaded C++);
the encoding is checked first so a bad byte is reported with its line and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ingestion.files.errors import FileImportError
from ingestion.files.mapping import FileOptions

DELIMITERS = (",", ";", "\t", "|")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SourceTable:
    """A read file: its rows as Arrow, and the file line of row 0 (for error messages)."""

    path: str
    table: pa.Table
    first_line: int  # line (CSV/XLSX row) of the first data row; parquet: 1 (= row number)

    def line(self, row: int) -> int:
        return self.first_line + row


def file_format(path: Path, options: FileOptions) -> str:
    if options.format:
        return options.format
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("parquet", "pq"):
        return "parquet"
    raise FileImportError(
        f"cannot tell the format from the extension {path.suffix!r}; set 'format'", file=str(path)
    )


def _decode_error(
    path: Path, data: bytes, error: UnicodeDecodeError, encoding: str, delimiter: str
) -> FileImportError:
    start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    header = next(
        csv.reader([data[: data.find(b"\n")].decode(encoding, "replace")], delimiter=delimiter), []
    )
    field = data.count(delimiter.encode(), start, error.start)
    column = header[field] if field < len(header) else None
    return FileImportError(
        f"byte {data[error.start : error.start + 1]!r} at offset {error.start} "
        f"is not valid {encoding} "
        f"(set 'encoding', e.g. latin-1 or cp1252, if the export is not {encoding})",
        file=str(path),
        line=line,
        column=column,
    )


def _sniff(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, options: FileOptions) -> SourceTable:
    data = path.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    lines_skipped = 0
    for _ in range(options.skip_rows):
        cut = data.find(b"\n")
        data = b"" if cut < 0 else data[cut + 1 :]
        lines_skipped += 1
    if not data or data.isspace():  # (isspace stops at the first other byte; strip copies)
        raise FileImportError(
            "the file is empty (no header line)", file=str(path), line=lines_skipped + 1
        )
    encoding = options.encoding.lower().replace("_", "-")
    first_nl = data.find(b"\n")
    header_bytes = data if first_nl < 0 else data[:first_nl]
    delimiter = options.delimiter
    if delimiter == "auto":
        delimiter = _sniff(header_bytes.decode(encoding, "replace"))
    elif delimiter in ("\\t", "tab"):
        delimiter = "\t"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _decode_error(path, data, error, encoding, delimiter) from None
    if encoding not in ("utf-8", "utf8"):
        data = text.encode("utf-8")
    header = next(
        csv.reader([text[: text.find("\n")] if "\n" in text else text], delimiter=delimiter)
    )
    header = [name.strip().strip("\r") for name in header]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise FileImportError(
                "duplicate column name in the header",
                file=str(path),
                line=lines_skipped + 1,
                column=name,
            )
        seen.add(name)
    bad_rows: list[tuple[int, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        # row.number is not known when parsing in parallel: find the row's line in the data
        at = data.find(b"\n" + row.text.encode("utf-8"))
        line = data.count(b"\n", 0, at + 1) + 1 if at >= 0 else 0
        bad_rows.append((line, row.expected_columns, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as error:
        raise FileImportError(f"CSV cannot be parsed: {error}", file=str(path)) from None
    if bad_rows:
        number, expected, actual = min(bad_rows)
        what = "cut short (truncated file?)" if actual < expected else "has extra fields"
        raise FileImportError(
            f"row has {actual} fields, the header has {expected}: {what}"
            + (f"; {len(bad_rows)} such rows" if len(bad_rows) > 1 else ""),
            file=str(path),
            line=number + lines_skipped if number else None,
        )
    if table.num_rows == 0 and not options.allow_empty:
        raise FileImportError(
            "the file has a header but no data rows (set allow_empty: true if intended)",
            file=str(path),
            line=lines_skipped + 1,
        )
    return SourceTable(str(path), table, first_line=lines_skipped + 2)


def read_parquet(path: Path, options: FileOptions) -> SourceTable:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise FileImportError(f"not a readable Parquet file: {error}", file=str(path)) from None
    if table.num_rows == 0 and not options.allow_empty:
        raise FileImportError(
            "the file has no rows (set allow_empty: true if intended)", file=str(path)
        )
    return SourceTable(str(path), table, first_line=1)


def read_file(path: Path, options: FileOptions) -> SourceTable:
    fmt = file_format(path, options)
    if fmt == "csv":
        return read_csv(path, options)
    if fmt == "parquet":
        return read_parquet(path, options)
    from ingestion.files.xlsx import read_xlsx

    return read_xlsx(path, options)
