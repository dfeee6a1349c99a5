"""The file-export importer (ingestion/files): formats, malformed files, presets, and the
Maven and Telco datasets end to end through dbt (crm_source = files)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingestion.demo_crm.schema import SCHEMAS
from ingestion.files import FileImportError, load_mapping
from ingestion.files.__main__ import main
from ingestion.files.build import build_tables
from ingestion.files.source import files_pipeline, files_source
from orchestration.warehouse import connect as warehouse_connection

REPO = Path(__file__).resolve().parents[1]
PRESETS = REPO / "ingestion" / "files" / "presets"
FIXTURES = Path(__file__).parent / "fixtures" / "files"
MALFORMED = FIXTURES / "malformed"
MAVEN = REPO / "ingestion" / "files" / "datasets" / "maven_crm"

os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")

DEALS_MAPPING = """
files:
  deals: {{path: "{path}", {options}}}
tables:
  deals:
    from: deals
    columns:
      deal_id: id
      amount: amount
      closed_at: {{column: closed{closed_format}}}
"""


def _mapping(
    tmp_path: Path, data: Path, options: str = "delimiter: auto", closed_format: str = ""
) -> Path:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        DEALS_MAPPING.format(path=data, options=options, closed_format=closed_format)
    )
    return mapping


def _generic_deals_preset(csv: Path) -> str:
    """The generic_deals preset's text, reading ``csv`` instead of its fixture."""
    return (
        (PRESETS / "generic_deals.yaml")
        .read_text()
        .replace("../../../tests/fixtures/files/generic_deals.csv", str(csv))
    )


def _import_error(mapping: Path) -> FileImportError:
    with pytest.raises(FileImportError) as caught:
        build_tables(load_mapping(mapping))
    return caught.value


def _deals(mapping: Path) -> pa.Table:
    return build_tables(load_mapping(mapping)).tables["deals"]


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("content", "options", "closed_format"),
    [
        (b"id,amount,closed\nA,1250.5,2025-03-07\n", "delimiter: ','", ""),
        (
            b"\xef\xbb\xbfid,amount,closed\r\nA,1250.5,2025-03-07\r\n",
            "delimiter: auto",
            "",
        ),  # BOM, CRLF
        (
            b"id;amount;closed\nA;1.250,5;07/03/2025\n",
            "delimiter: auto, decimal: ',', thousands: '.', date_format: '%d/%m/%Y'",
            ", format: '%d/%m/%Y'",
        ),
        (b"id\tamount\tclosed\nA\t1250.50\t3/7/2025\n", "delimiter: auto", ", format: '%m/%d/%Y'"),
        (
            b"id|amount|closed\nA|1 250,50|2025-03-07\n",
            "delimiter: '|', decimal: ',', thousands: ' '",
            "",
        ),
        ("id,amount,closed\nA,1250.5,2025-03-07\n".encode("cp1252"), "encoding: cp1252", ""),
    ],
    ids=[
        "iso",
        "bom-crlf",
        "semicolon-decimal-comma-ddmmyyyy",
        "tab-mdyyyy",
        "pipe-space-thousands",
        "cp1252",
    ],
)
def test_formats_parse_to_the_same_values(
    tmp_path: Path, content: bytes, options: str, closed_format: str
) -> None:
    data = tmp_path / "deals.csv"
    data.write_bytes(content)
    deals = _deals(_mapping(tmp_path, data, options, closed_format))
    assert deals.column("deal_id").to_pylist() == ["A"]
    assert deals.column("amount").to_pylist() == [1250.5]
    assert deals.column("closed_at").to_pylist() == [dt.datetime(2025, 3, 7, tzinfo=dt.UTC)]
    assert deals.schema == SCHEMAS["deals"]


@pytest.mark.parametrize(
    "closed",
    [
        ["2024-01-31T23:59:59", "2024-02-29T00:00:00", " 2024-12-01T08:30:00 ", ""],
        ["2024-01-31 23:59:59", "2024-02-29 00:00:00"],  # the second default format
        ["2024-01-31", "2024-02-29"],  # the third
        ["2024-01-31T23:59:59", "2024-02-29 00:00:00", "2024-03-01"],  # mixed
        ["2024-1-5T00:00:00", "2024-01-15T23:59:60"],  # unpadded, leap second: strptime's
        ["2024-01-31T23:59:59", "2025-02-30T00:00:00"],  # impossible date: an error
        ["2024-01-31T23:59:59", "2024-01-01T00:00+01"],  # ISO shape, not the format
        ["2024-01-31T23:59:59", "2024-01-01T00:00:00.5"],
    ],
)
def test_the_iso_fast_path_agrees_with_strptime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed: list[str]
) -> None:
    """Timestamps in an ISO format are parsed by Arrow's cast (convert._iso_fast): same
    values, same errors (file, line, column, message) as the general strptime path."""
    from ingestion.files import convert

    data = tmp_path / "deals.csv"
    rows = "".join(f"D{i},1,{value}\n" for i, value in enumerate(closed))
    data.write_text("id,amount,closed\n" + rows)
    mapping = _mapping(tmp_path, data, "delimiter: ','")

    def outcome() -> object:
        try:
            return _deals(mapping).column("closed_at").to_pylist()
        except FileImportError as error:
            return str(error)

    fast = outcome()
    monkeypatch.setattr(convert, "ISO_SHAPES", {})
    assert fast == outcome()


def test_latin1_names_decode_when_the_encoding_is_declared(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        f'files: {{f: {{path: "{MALFORMED / "latin1_in_utf8.csv"}", encoding: latin-1}}}}\n'
        "tables: {deals: {from: f, columns: {deal_id: id, deal_name: name}}}\n"
    )
    assert _deals(mapping).column("deal_name").to_pylist() == ["Café Noir"]


def test_parquet_keeps_its_types(tmp_path: Path) -> None:
    data = tmp_path / "deals.parquet"
    pq.write_table(
        pa.table(
            {
                "id": ["A", "B"],
                "amount": [1.5, None],
                "closed": pa.array([dt.datetime(2025, 1, 2, 10), None], pa.timestamp("us")),
            }
        ),
        data,
    )
    deals = _deals(_mapping(tmp_path, data, "format: parquet"))
    assert deals.column("amount").to_pylist() == [1.5, None]
    assert deals.column("closed_at").to_pylist()[0] == dt.datetime(2025, 1, 2, 10, tzinfo=dt.UTC)


def _write_xlsx(path: Path, sheet: str, rows: list[list[object]]) -> None:
    """A minimal Office Open XML workbook (shared strings, numbers), as Excel writes them."""
    strings: list[str] = []
    cells_xml = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        cells_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main_ns}" xmlns:r="{rel_ns}"><sheets>'
            '<sheet name="Cover" sheetId="1" r:id="rId1"/>'
            f'<sheet name="{sheet}" sheetId="2" r:id="rId2"/>'
            "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>',
        )
        book.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main_ns}"><sheetData/></worksheet>'
        )
        book.writestr(
            "xl/worksheets/sheet2.xml",
            f'<worksheet xmlns="{main_ns}"><sheetData>{"".join(cells_xml)}</sheetData></worksheet>',
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main_ns}">'
            + "".join(f"<si><t>{s}</t></si>" for s in strings)
            + "</sst>",
        )


def test_xlsx_sheet_with_excel_serial_dates(tmp_path: Path) -> None:
    data = tmp_path / "deals.xlsx"
    # 45723 is 2025-03-07 in Excel's 1900 date system
    _write_xlsx(
        data,
        "Opportunities",
        [["id", "amount", "closed"], ["A", 1250.5, 45723], ["B", 99, "2025-03-08"]],
    )
    deals = _deals(_mapping(tmp_path, data, "sheet: Opportunities"))
    assert deals.column("deal_id").to_pylist() == ["A", "B"]
    assert deals.column("amount").to_pylist() == [1250.5, 99.0]
    assert [d.date() for d in deals.column("closed_at").to_pylist()] == [
        dt.date(2025, 3, 7),
        dt.date(2025, 3, 8),
    ]
    error = _import_error(_mapping(tmp_path, data, "sheet: Deals"))
    assert "no sheet named 'Deals'" in str(error) and error.file == str(data)


# ---------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("name", "line", "column", "words"),
    [
        ("missing_column.csv", 1, "amount", "missing column"),
        ("semicolons.csv", 1, "amount", "wrong delimiter"),
        ("truncated.csv", 4, None, "truncated"),
        ("empty.csv", 1, None, "empty"),
        ("latin1_in_utf8.csv", 2, "name", "not valid utf-8"),
        ("bad_date.csv", 3, "closed", "'2025-02-30' is not a timestamp"),
        ("bad_number.csv", 3, "amount", "'12 500' is not a number"),
    ],
)
def test_malformed_file_names_file_line_and_column(
    tmp_path: Path, name: str, line: int, column: str | None, words: str
) -> None:
    options = "delimiter: ','" if name == "semicolons.csv" else "delimiter: auto"
    error = _import_error(_mapping(tmp_path, MALFORMED / name, options))
    assert error.file == str(MALFORMED / name)
    assert error.line == line
    assert error.column == column
    assert words in str(error)


def test_extra_columns_are_allowed_unless_the_mapping_forbids_them(tmp_path: Path) -> None:
    data = MALFORMED / "extra_column.csv"
    assert _deals(_mapping(tmp_path, data)).num_rows == 1
    error = _import_error(_mapping(tmp_path, data, "extra_columns: error"))
    assert (error.line, error.column) == (1, "note")


def test_header_only_file_is_an_error_unless_allowed(tmp_path: Path) -> None:
    data = tmp_path / "deals.csv"
    data.write_text("id,amount,closed\n")
    assert "no data rows" in str(_import_error(_mapping(tmp_path, data)))
    assert _deals(_mapping(tmp_path, data, "allow_empty: true")).num_rows == 0


def test_duplicate_keys_and_unknown_mapping_names_are_rejected(tmp_path: Path) -> None:
    data = tmp_path / "deals.csv"
    data.write_text("id,amount,closed\nA,1,2025-01-01\nA,2,2025-01-02\n")
    assert "duplicate key" in str(_import_error(_mapping(tmp_path, data)))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f'files: {{f: "{data}"}}\ntables: {{deals: {{from: f, columns: {{deal_idd: id}}}}}}\n'
    )
    error = _import_error(bad)
    assert error.file == str(bad) and error.column == "tables.deals.columns.deal_idd"


def test_a_stage_id_shared_by_two_pipelines_is_rejected(tmp_path: Path) -> None:
    text = _generic_deals_preset(FIXTURES / "generic_deals.csv")
    second = "      - {pipeline_id: renewals, stage_id: won, stage_name: Won, stage_order: 1, "
    second += "probability: 100, is_closed: true, is_won: true}\n"
    anchor = "      - {pipeline_id: deals, stage_id: lost,"
    assert anchor in text
    mapping = tmp_path / "two_pipelines.yaml"
    mapping.write_text(text.replace(anchor, second + anchor))
    error = _import_error(mapping)
    assert error.column == "tables.pipeline_stages.stage_id"
    assert "stage_id 'won' is in pipelines 'deals', 'renewals'" in str(error)
    # each pipeline with its own ids imports
    mapping.write_text(
        text.replace(anchor, second.replace("stage_id: won", "stage_id: r_won") + anchor)
    )
    assert build_tables(load_mapping(mapping)).tables["pipeline_stages"].num_rows == 4


def test_cli_prints_the_error_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = _mapping(tmp_path, MALFORMED / "bad_date.csv")
    assert main(["validate", "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip() == f"error: {MALFORMED / 'bad_date.csv'}, line 3, column 'closed': "
        "'2025-02-30' is not a timestamp in the format "
        "%Y-%m-%dT%H:%M:%S or %Y-%m-%d %H:%M:%S or %Y-%m-%d"
    )
    assert "Traceback" not in err


# ---------------------------------------------------------------- landing


def _raw_counts(warehouse: Path) -> dict[str, int]:
    with warehouse_connection(warehouse, read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from raw_files.{t}").fetchone()[0] for t in SCHEMAS
        }


def test_every_import_lands_all_17_tables_and_a_failed_import_changes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    pipeline = files_pipeline(warehouse, tmp_path / "dlt")
    dlt_logger = logging.getLogger("dlt")  # dlt's logger does not propagate to the root
    dlt_logger.addHandler(caplog.handler)
    try:
        pipeline.run(files_source(PRESETS / "generic_deals.yaml"))
    finally:
        dlt_logger.removeHandler(caplog.handler)
    # the declared columns agree with the Arrow tables dlt stamps (else a warning a table)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    first = _raw_counts(warehouse)
    assert first["deals"] == 4 and first["deal_stage_history"] == 7 and first["quotas"] == 0
    with warehouse_connection(warehouse, read_only=True) as con:
        columns = [r[0] for r in con.execute("describe raw_files.quotas").fetchall()]
        before = con.execute("select * from raw_files.deals order by deal_id").fetchall()
    assert columns == [*SCHEMAS["quotas"].names, "_dlt_load_id"]  # empty, typed, with the load id

    bad = tmp_path / "bad.yaml"
    shutil.copy(FIXTURES / "generic_deals.csv", tmp_path / "generic_deals.csv")
    with open(tmp_path / "generic_deals.csv", "ab") as f:
        f.write(b"D-5;Broken;X;Y;won;abc;EUR;01/01/2025;02/01/2025\n")
    bad.write_text(_generic_deals_preset(tmp_path / "generic_deals.csv"))
    with pytest.raises(FileImportError) as caught:
        pipeline.run(files_source(bad))
    assert (caught.value.line, caught.value.column) == (6, "value")
    assert _raw_counts(warehouse) == first
    with warehouse_connection(warehouse, read_only=True) as con:
        assert con.execute("select * from raw_files.deals order by deal_id").fetchall() == before

    # a later good import replaces everything: tables it no longer provides are emptied
    pipeline.run(files_source(PRESETS / "salesforce_report.yaml"))
    after = _raw_counts(warehouse)
    assert after["deals"] == 5 and after["pipeline_stages"] == 10


def test_generic_and_salesforce_presets_values() -> None:
    generic = build_tables(load_mapping(PRESETS / "generic_deals.yaml")).tables["deals"].to_pylist()
    by_id = {row["deal_id"]: row for row in generic}
    assert (
        by_id["D-1"]["deal_name"] == "Café Müller \u2013 Jahreslizenz"
    )  # BOM stripped, UTF-8 kept
    assert by_id["D-1"]["amount"] == 12500.5 and by_id["D-4"]["amount"] == 1_000_000.0
    assert by_id["D-1"]["created_at"].date() == dt.date(2025, 2, 3)
    assert (by_id["D-1"]["is_won"], by_id["D-2"]["is_closed"], by_id["D-3"]["is_closed"]) == (
        True,
        True,
        False,
    )
    assert by_id["D-3"]["amount"] is None and by_id["D-3"]["currency"] == "EUR"
    sf = build_tables(load_mapping(PRESETS / "salesforce_report.yaml")).tables
    won = next(r for r in sf["deals"].to_pylist() if r["deal_id"] == "0065g00000AbCdH")
    assert (
        won["deal_name"] == "Umbrella, EMEA"
        and won["amount"] == 21000.5
        and won["probability"] == 100
    )
    assert won["closed_at"] == dt.datetime(2025, 6, 30, tzinfo=dt.UTC) and won["is_won"]
    assert sorted(sf["users"].column("user_id").to_pylist()) == [
        "Jane Rivera",
        "Li Wei",
        "Omar Haddad",
    ]


# ---------------------------------------------------------------- datasets through dbt


@pytest.fixture(scope="module")
def maven(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.crm_build import build_marts

    work = tmp_path_factory.mktemp("maven")
    warehouse = work / "warehouse.duckdb"
    files_pipeline(warehouse, work / "dlt").run(files_source(PRESETS / "maven_crm.yaml"))
    build_marts(
        warehouse, "files", dt.date(2018, 1, 31), work, {"history_start_date": "2016-10-01"}
    )
    return warehouse


def test_maven_published_figures(maven: Path) -> None:
    with warehouse_connection(maven, read_only=True) as con:
        won, lost, bookings, cycle = con.execute(
            "select sum(deals_won), sum(deals_lost), sum(bookings),"
            " sum(avg_cycle_days * deals_won) / sum(deals_won)"
            " from marts.team_performance where scope = 'company' and period_type = 'year'"
        ).fetchone()
    assert round(won / (won + lost), 4) == 0.6315
    assert round(cycle, 2) == 51.78
    assert bookings == 10_005_534


def test_maven_nothing_dropped_and_dirt_normalized(maven: Path) -> None:
    source_rows = (MAVEN / "sales_pipeline.csv").read_bytes().count(b"\n") - 1
    with warehouse_connection(maven, read_only=True) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        raw = one("select count(*) from raw_files.deals")
        mart = one("select count(*) from marts.deals")
        quarantined = one(
            "select count(distinct record_key) from marts.quarantine where raw_table = 'deals'"
        )
        assert source_rows == raw == mart + quarantined == 8800
        assert one("select count(*) from marts.deals where product = 'GTXPro'") == 0
        assert one("select count(*) from marts.deals where product = 'GTX Pro'") == 1480
        assert one("select count(*) from raw_files.accounts where industry = 'technolgy'") == 0
        assert one("select count(*) from raw_files.accounts where industry = 'technology'") == 12
        # open deals without an account, prospects without an engage date: kept, open
        assert (
            one(
                "select count(*) from marts.deals where account_id is null and deal_status = 'open'"
            )
            == 1425
        )
        assert one("select count(*) from marts.deals where stage_id = 'prospecting'") == 500
        # the five agents without a deal are users (reps) all the same
        idle = (
            "Mei-Mei Johns",
            "Elizabeth Anderson",
            "Natalya Ivanova",
            "Carol Thompson",
            "Carl Lin",
        )
        assert (
            one(f"select count(*) from raw_files.users where role = 'rep' and user_id in {idle}")
            == 5
        )
        assert one("select count(distinct user_id) from marts.rep_performance") == 35


def test_telco_churn(tmp_path: Path) -> None:
    from tests.crm_build import build_marts

    warehouse = tmp_path / "warehouse.duckdb"
    files_pipeline(warehouse, tmp_path / "dlt").run(files_source(PRESETS / "telco_churn.yaml"))
    with warehouse_connection(warehouse, read_only=True) as con:
        churned, total = con.execute(
            "select count(end_date), count(*) from raw_files.subscriptions"
        ).fetchone()
    assert (churned, total) == (1869, 7043) and round(churned / total, 4) == 0.2654
    build_marts(
        warehouse, "files", dt.date(2018, 1, 31), tmp_path, {"history_start_date": "2012-01-01"}
    )
    with warehouse_connection(warehouse, read_only=True) as con:
        at_start, lost, rate = con.execute(
            "select customers_at_start, customers_churned, logo_churn_rate"
            " from marts.customer_churn_monthly"
            " where month_start = '2018-01-01'"
        ).fetchone()
    # the mart's customers are those with MRR at the month start: the 11 tenure-0 customers
    # joined during the snapshot month, so the denominator is 7,032, not 7,043
    assert (at_start, lost) == (7032, 1869)
    assert rate == pytest.approx(1869 / 7032)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_ingest_benchmark_lands_what_it_times(tmp_path: Path, fmt: str) -> None:
    """``python -m ingestion.files.benchmark`` (its file paths, small): every phase timed
    and every row landed."""
    from ingestion.files.benchmark import Clock, run_files

    clock = Clock()
    assert run_files(fmt, 500, tmp_path, clock) == 500
    assert set(clock.phases) == {
        "read+parse+validate",
        "dlt extract",
        "dlt normalize",
        "dlt load",
        "end to end",
    }
    with warehouse_connection(tmp_path / "warehouse.duckdb", read_only=True) as con:
        assert con.execute("select count(*) from raw_files.deals").fetchone() == (500,)
