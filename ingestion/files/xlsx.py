"""A small XLSX reader on the standard library (zipfile + ElementTree).

No XLSX package is installed in this project's environment, and an XLSX workbook is a
zip of XML parts, so the importer reads the one sheet it needs itself: shared strings,
inline strings, numbers and booleans, as text. Dates in XLSX are numbers (days since
1899-12-30); the converter accepts such serials for date and timestamp columns.
Formulas give their cached value. Charts, styles and merged cells are ignored.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa

from ingestion.files.errors import FileImportError
from ingestion.files.mapping import FileOptions
from ingestion.files.readers import SourceTable

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _text(node: ElementTree.Element | None) -> str:
    if node is None:
        return ""
    return "".join(t.text or "" for t in node.iter(f"{{{NS['m']}}}t"))


def _sheet_path(book: zipfile.ZipFile, sheet: str | None, path: Path) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheets = workbook.findall("m:sheets/m:sheet", NS)
    if not sheets:
        raise FileImportError("the workbook has no sheets", file=str(path))
    names = [s.get("name") for s in sheets]
    chosen = (
        sheets[0] if sheet is None else next((s for s in sheets if s.get("name") == sheet), None)
    )
    if chosen is None:
        raise FileImportError(f"no sheet named {sheet!r}; sheets: {names}", file=str(path))
    rel_id = chosen.get(f"{{{NS['r']}}}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall("rel:Relationship", NS):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise FileImportError(
        f"sheet {chosen.get('name')!r} has no part in the workbook", file=str(path)
    )


def read_xlsx(path: Path, options: FileOptions) -> SourceTable:
    try:
        book = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise FileImportError(
            "not an XLSX workbook (not a zip archive; truncated?)", file=str(path)
        ) from None
    with book:
        try:
            shared = []
            if "xl/sharedStrings.xml" in book.namelist():
                root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
                shared = [_text(si) for si in root.findall("m:si", NS)]
            sheet = ElementTree.fromstring(book.read(_sheet_path(book, options.sheet, path)))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as error:
            raise FileImportError(f"damaged XLSX workbook: {error}", file=str(path)) from None
    rows: list[tuple[int, dict[int, str]]] = []
    for row in sheet.iterfind("m:sheetData/m:row", NS):
        cells: dict[int, str] = {}
        for cell in row.iterfind("m:c", NS):
            match = CELL_REF.match(cell.get("r", ""))
            col = _column_index(match.group(1)) if match else len(cells)
            kind = cell.get("t", "n")
            value_node = cell.find("m:v", NS)
            raw = value_node.text if value_node is not None else None
            if kind == "s" and raw is not None:
                value = shared[int(raw)]
            elif kind == "inlineStr":
                value = _text(cell.find("m:is", NS))
            elif kind == "b" and raw is not None:
                value = "true" if raw == "1" else "false"
            else:
                value = raw
            if value not in (None, ""):
                cells[col] = value
        rows.append((int(row.get("r", len(rows) + 1)), cells))
    rows = rows[options.skip_rows :]
    if not rows:
        raise FileImportError("the sheet is empty (no header row)", file=str(path))
    header_line, header_cells = rows[0]
    width = max(header_cells) + 1 if header_cells else 0
    header = [header_cells.get(i, "").strip() for i in range(width)]
    if len(set(header)) != len(header):
        raise FileImportError(
            "duplicate or blank column names in the header row", file=str(path), line=header_line
        )
    data = [r for r in rows[1:] if r[1]]
    columns = {
        name: pa.array([cells.get(i) for _, cells in data], pa.string())
        for i, name in enumerate(header)
    }
    if not data and not options.allow_empty:
        raise FileImportError(
            "the sheet has a header but no data rows", file=str(path), line=header_line
        )
    lines = [line for line, _ in data]
    contiguous = lines == list(range(header_line + 1, header_line + 1 + len(lines)))
    if not contiguous:
        raise FileImportError(
            "blank rows inside the data (the sheet must be one block)",
            file=str(path),
            line=next(line for i, line in enumerate(lines) if line != header_line + 1 + i),
        )
    return SourceTable(str(path), pa.table(columns), first_line=header_line + 1)
