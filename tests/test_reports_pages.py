"""The Evidence pages (reports/pages) and their checker (orchestration/reports_check.py).

Fast tests: the source files and the dbt exposures agree with the pages and the contract,
the read-only rules, and one deliberately broken page per failure reason, each checked
against a small published file made here. Slow test: the real pages pass against a
publication made by the real pipeline.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration import reports_check
from orchestration.defs.transformation import dbt_project, ensure_manifest
from orchestration.manifest import MANIFEST_PATH, load_manifest, mart_nodes
from orchestration.reports_check import (
    PUBLICATION_TABLE,
    Problem,
    check,
    exposure_problems,
    load_exposures,
    load_pages,
    pages_tables,
    source_problems,
    sql_problems,
    write_sources,
)
from tests.reports_published import published_file

PAGES = [
    "activity.md",
    "churn-retention.md",
    "executive.md",
    "forecast.md",
    "index.md",
    "leaderboard.md",
    "leads.md",
    "manager-weekly.md",
    "pipeline-health.md",
    "rep-weekly.md",
    "reps/[rep].md",
    "win-loss.md",
]


# ----------------------------------------------------------------- pages, sources, exposures


def test_every_report_page_exists() -> None:
    assert [page.rel for page in load_pages()] == PAGES


def test_source_files_are_generated_from_the_pages() -> None:
    problems = source_problems(load_pages())
    assert problems == [], "run: python -m orchestration.reports_check --write-sources"


def test_every_source_table_is_in_the_published_contract() -> None:
    ensure_manifest(dbt_project())
    marts = {node["name"] for node in mart_nodes(load_manifest(MANIFEST_PATH))}
    sources = set(reports_check.source_tables())
    assert PUBLICATION_TABLE in sources
    assert sources - {PUBLICATION_TABLE} <= marts, sources - marts


def test_every_page_is_a_dashboard_exposure_reading_what_its_sql_reads() -> None:
    pages = load_pages()
    exposures = load_exposures()
    assert sorted(e["url"] for e in exposures) == sorted(page.url for page in pages)
    tables = pages_tables(pages)
    by_url = {e["url"]: e for e in exposures}
    for page in pages:
        exposure = by_url[page.url]
        assert exposure["type"] == "dashboard"
        assert exposure["owner"]["name"] == "SalesPulse"
        declared = reports_check.exposure_refs(exposure)
        assert declared == tables[page.rel] - {PUBLICATION_TABLE}, page.rel
    assert exposure_problems(pages) == []


def test_exposures_are_in_the_dbt_manifest() -> None:
    ensure_manifest(dbt_project())
    manifest = load_manifest(MANIFEST_PATH)
    urls = {e["url"]: e for e in manifest["exposures"].values()}
    assert set(urls) == {page.url for page in load_pages()}
    executive = urls["/executive"]
    assert executive["depends_on"]["nodes"] == ["model.salespulse.executive_view"]


def test_exposure_drift_is_reported(tmp_path: Path) -> None:
    pages = load_pages()
    exposures = tmp_path / "exposures.yml"
    exposures.write_text(
        textwrap.dedent(
            """\
            version: 2
            exposures:
              - name: executive_report
                type: dashboard
                url: /executive
                depends_on: ["ref('deals')"]
                owner: {name: SalesPulse}
              - name: gone
                type: dashboard
                url: /gone
                owner: {name: SalesPulse}
            """
        )
    )
    problems = exposure_problems(pages, exposures)
    details = " | ".join(p.detail for p in problems)
    assert {p.reason for p in problems} == {"exposure_mismatch"}
    assert "depends_on ['deals'], the page reads ['executive_view']" in details
    assert "no page for url /gone" in details
    assert "no exposure with url /leaderboard" in details


# ----------------------------------------------------------------- read-only rules


@pytest.mark.parametrize(
    "sql",
    [
        "attach 'x.duckdb' as x",
        "copy (select 1) to '/tmp/x.csv'",
        "pragma database_list",
        "install httpfs",
        "load httpfs",
        "set threads = 1",
        "call pragma_version()",
        "export database '/tmp/x'",
        "create table t as select 1",
        "drop table salespulse.deals",
        "insert into t values (1)",
        "update t set a = 1",
        "delete from t",
        "select 1; attach 'x.duckdb' as x",
        "with x as (select 1 as a) select * from x where a in (select 1 from (copy t to 'f'))",
        "describe salespulse.deals",
        "select * from read_csv('/etc/passwd')",
        "select * from read_parquet('x.parquet')",
    ],
)
def test_not_read_only_sql_is_rejected(sql: str) -> None:
    reasons = [reason for reason, _ in sql_problems(sql)]
    assert reasons == ["not_read_only"], (sql, reasons)


@pytest.mark.parametrize(
    "sql",
    [
        "select 1",
        "with a as (select 1 as x) select * from a",
        "select 1 union all select 2 order by 1",
        "select 'set' as word, \"load\" from salespulse.t",
        "select * from range(3)",
    ],
)
def test_read_only_sql_passes(sql: str) -> None:
    assert sql_problems(sql) == []


# ----------------------------------------------------------------- broken pages


@pytest.fixture(scope="module")
def small_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-table published file, enough for the broken pages below."""
    path = tmp_path_factory.mktemp("published") / "salespulse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table publication as select 'run-1' as run_id, date '2026-11-15' as as_of_date,"
            " 'weekly' as cadence"
        )
        con.execute(
            "create table executive_view as select * from (values"
            " ('quarter', date '2026-07-01', 10.5::decimal(18,2)),"
            " ('quarter', date '2026-10-01', 20.25::decimal(18,2)))"
            " as t(period_type, period_start, bookings)"
        )
    return path


GOOD_PAGE = """\
```sql publication
select strftime(as_of_date, '%Y-%m-%d') as as_of from salespulse.publication
```

```sql quarters
select period_start, bookings from salespulse.executive_view where period_type = 'quarter'
```

```sql latest
select * from ${quarters} order by period_start desc limit 1
```

```sql options
select distinct period_type from salespulse.executive_view
```

```sql chosen
select bookings from salespulse.executive_view where period_type = '${inputs.kind.value}'
```

As of <Value data={publication} column=as_of />.

<Dropdown data={options} name=kind value=period_type />
<BigValue data={latest} value=bookings fmt=usd0 />
<LineChart data={quarters} x=period_start y={['bookings']} />
<DataTable data={chosen}>
    <Column id=bookings />
</DataTable>
"""


def run_page(tmp_path: Path, published: Path, text: str, name: str = "page.md") -> list[Problem]:
    pages = tmp_path / "pages"
    sources = tmp_path / "sources"
    pages.mkdir()
    sources.mkdir()
    (pages / name).parent.mkdir(parents=True, exist_ok=True)
    (pages / name).write_text(text)
    write_sources(load_pages(pages), sources)
    report = check(published, pages, sources, exposures_path=None)
    assert report.pages == 1
    return report.problems


def test_a_good_page_passes(tmp_path: Path, small_published: Path) -> None:
    assert run_page(tmp_path, small_published, GOOD_PAGE) == []


def test_a_templated_page_gets_a_sample_param(tmp_path: Path, small_published: Path) -> None:
    page = (
        "```sql q\nselect '${params.rep}' as rep, count(*) as n from salespulse.publication\n```\n"
    )
    problems = run_page(tmp_path, small_published, page, "reps/[rep].md")
    # the sample query reads salespulse.leaderboard, which this small file does not have
    assert [p.reason for p in problems] == ["query_error"]
    assert "params.rep sample" in problems[0].detail


BROKEN = {
    "unknown_column": (
        GOOD_PAGE.replace(
            "select period_start, bookings from", "select period_start, revenue from"
        ),
        "quarters",
        "revenue",
    ),
    "unknown_table": (
        GOOD_PAGE.replace("from salespulse.publication", "from publication"),
        "publication",
        "publication",
    ),
    "not_read_only": (
        GOOD_PAGE.replace(
            "select distinct period_type from salespulse.executive_view",
            "attach '/tmp/other.duckdb' as other",
        ),
        "options",
        "ATTACH",
    ),
    "duplicate_query": (
        GOOD_PAGE + "\n```sql latest\nselect 1 as x\n```\n",
        "latest",
        "defined on lines",
    ),
    "cycle": (
        GOOD_PAGE.replace(
            "where period_type = 'quarter'",
            "where period_start in (select period_start from ${latest})",
        ),
        "latest",
        "quarters -> latest -> quarters",
    ),
    "unresolved_reference": (
        GOOD_PAGE.replace("from ${quarters}", "from ${quarterz}"),
        "latest",
        "quarterz",
    ),
    "component_column_missing": (
        GOOD_PAGE.replace("<Column id=bookings />", "<Column id=target />"),
        "chosen",
        "id=target",
    ),
    "parse_error": (
        GOOD_PAGE.replace("order by period_start desc limit 1", "order by by period_start )"),
        "latest",
        "",
    ),
}


@pytest.mark.parametrize("reason", sorted(BROKEN))
def test_a_broken_page_fails_with_the_reason(
    tmp_path: Path, small_published: Path, reason: str
) -> None:
    text, query, detail = BROKEN[reason]
    problems = run_page(tmp_path, small_published, text)
    assert problems, f"{reason}: the broken page passed"
    assert problems[0].page == "page.md"
    assert (problems[0].reason, problems[0].query) == (reason, query), problems
    assert detail in problems[0].detail, problems[0]


@pytest.mark.parametrize(
    ("change", "reason", "detail"),
    [
        (("<BigValue data={latest} value=bookings", "<BigValue data={latest} value=bookingz"),
         "component_column_missing", "value=bookingz"),
        (("y={['bookings']}", "y={['bookings', 'target']}"),
         "component_column_missing", "y=target"),
        (("<Dropdown data={options} name=kind value=period_type",
          "<Dropdown data={options} name=kind value=kind"),
         "component_column_missing", "value=kind"),
        (("<Value data={publication} column=as_of", "<Value data={publication} column=as_of_date"),
         "component_column_missing", "column=as_of_date"),
        (("<LineChart data={quarters}", "<LineChart data={quarter}"), "unknown_data", "quarter"),
        (("${inputs.kind.value}", "${inputs.sort.value}"), "unresolved_reference", "sort"),
        (("'${inputs.kind.value}'", "'${whatever.x}'"), "unresolved_reference", "whatever.x"),
        (("```sql options", "```sql"), "unnamed_query", "no name"),
    ],
)  # fmt: skip
def test_component_and_reference_errors(
    tmp_path: Path, small_published: Path, change: tuple[str, str], reason: str, detail: str
) -> None:
    old, new = change
    assert old in GOOD_PAGE
    problems = run_page(tmp_path, small_published, GOOD_PAGE.replace(old, new))
    assert reason in {p.reason for p in problems}, problems
    assert any(detail in p.detail for p in problems if p.reason == reason), problems


def test_the_cli_lists_problems_and_exits_1(
    tmp_path: Path, small_published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages, sources = tmp_path / "pages", tmp_path / "sources"
    pages.mkdir()
    sources.mkdir()
    (pages / "page.md").write_text(BROKEN["unknown_column"][0])
    write_sources(load_pages(pages), sources)
    argv = ["--published", str(small_published), "--pages", str(pages), "--sources", str(sources)]
    assert reports_check.main([*argv, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"][0]["reason"] == "unknown_column"
    assert report["problems"][0]["page"] == "page.md"
    assert report["problems"][0]["query"] == "quarters"
    (pages / "page.md").write_text(GOOD_PAGE)
    assert reports_check.main(argv) == 0
    assert capsys.readouterr().out.strip().endswith("1 pages, 5 queries: ok")


def test_sources_drift_is_reported(tmp_path: Path, small_published: Path) -> None:
    pages, sources = tmp_path / "pages", tmp_path / "sources"
    pages.mkdir()
    sources.mkdir()
    (pages / "page.md").write_text(GOOD_PAGE)
    write_sources(load_pages(pages), sources)
    (sources / "deals.sql").write_text("select * from deals\n")
    (sources / "executive_view.sql").write_text("select * from executive_view where false\n")
    problems = check(small_published, pages, sources, exposures_path=None).problems
    drift = {(p.page, p.reason) for p in problems}
    assert ("sources/deals.sql", "sources_out_of_date") in drift
    assert ("sources/executive_view.sql", "sources_out_of_date") in drift
    assert ("sources/deals.sql", "unknown_table") in drift  # not in the published file


# ----------------------------------------------------------------- the real pages


@pytest.mark.slow
def test_the_real_pages_pass_against_a_fresh_publication(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    published = published_file(tmp_path_factory)
    report = check(published)
    assert report.problems == [], "\n".join(map(str, report.problems))
    assert report.pages == len(PAGES)
    assert report.queries >= 50
