"""Each run renders its suites' results as a GX Data Docs site beside the reports, kept per
run, with ``latest`` pointing at the newest, and each suite check's ``data_docs`` metadata
is the path of its table's page. A site that cannot be built never fails the checks."""

from __future__ import annotations

import os
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.quality import build_suite_checks, suite_result
from orchestration.partitions import as_of_partitions
from orchestration.quality.data_docs import DATA_DOCS_DIRNAME, DataDocsSite
from orchestration.quality.runner import run_suites
from orchestration.quality.suites import TableSuite, between, no_rows, not_null
from orchestration.settings import Settings

AS_OF = "2026-11-15"
SUITE = TableSuite(
    "canonical",
    "int_deals",
    ("deal_id",),
    (
        *not_null("deal_id"),
        between("amount", 0),  # fails on deal-bad
        no_rows("no deal is called deal-none", "deal_id = 'deal-none'"),
    ),
)


def _warehouse(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_deals as "
            "select 'deal-' || range as deal_id, 10.0 as amount from range(10) "
            "union all select 'deal-bad', -5.0"
        )
    return path


def _text(html: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.read_text()))


def test_each_run_gets_its_own_site_showing_the_failure_and_latest_moves(
    tmp_path: Path,
) -> None:
    warehouse = _warehouse(tmp_path / "wh.duckdb")
    published = tmp_path / "published"
    first_site = DataDocsSite.for_run(published, AS_OF, "11111111-aaaa")
    second_site = DataDocsSite.for_run(published, AS_OF, "22222222-bbbb")

    [first] = run_suites(warehouse, [SUITE], docs=first_site)
    assert first_site.directory == published / DATA_DOCS_DIRNAME / f"{AS_OF}-11111111"
    assert first_site.index.is_file()
    assert first.data_docs_error is None
    assert first.data_docs is not None and first.data_docs.is_file()
    assert first.data_docs.is_relative_to(first_site.directory)

    page = _text(first.data_docs)
    assert "int_deals" in page
    assert "Failed" in page
    assert "Unsuccessful Expectations 1" in page  # the amount >= 0 expectation
    assert "deal-none" in page  # the row-query expectation is on the same page
    index = _text(first_site.index)
    assert "int_deals" in index and "Failed" in index
    for html in (first_site.index, first.data_docs):  # the pages' links resolve in the site
        links = re.findall(r'href="([^"#:]+\.html)"', html.read_text())
        assert links and all((html.parent / link).resolve().is_file() for link in links)

    metadata = suite_result(first).metadata
    assert not suite_result(first).passed
    assert metadata["data_docs"] == dg.MetadataValue.path(str(first.data_docs))

    [second] = run_suites(warehouse, [SUITE], docs=second_site)
    assert second.data_docs is not None and second.data_docs.is_file()
    assert second.data_docs.is_relative_to(second_site.directory)
    assert first.data_docs.is_file() and first_site.index.is_file()  # first site kept
    assert os.readlink(second_site.latest) == second_site.name
    assert (second_site.latest / "index.html").samefile(second_site.index)
    # GX's static files (~4 MB) are stored once, hard-linked into every site
    font = next(p for p in (first_site.directory / "static").rglob("*") if p.is_file())
    assert font.samefile(second_site.directory / font.relative_to(first_site.directory))


def test_a_site_that_cannot_be_built_leaves_the_checks_and_says_so(tmp_path: Path) -> None:
    warehouse = _warehouse(tmp_path / "wh.duckdb")
    published = tmp_path / "published"
    published.mkdir()
    (published / DATA_DOCS_DIRNAME).write_text("not a directory")
    site = DataDocsSite.for_run(published, AS_OF, "33333333-cccc")

    [outcome] = run_suites(warehouse, [SUITE], docs=site)

    assert len(outcome.failed) == 1
    assert outcome.data_docs is None and outcome.data_docs_error
    result = suite_result(outcome)
    assert not result.passed  # the verdict stands
    assert str(result.metadata["data_docs"].value).startswith("not built: ")


@pytest.fixture
def settings(salespulse_home: Path) -> Settings:
    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True)
    _warehouse(settings.warehouse_path)
    return settings


def test_the_dagster_check_links_the_runs_site(settings: Settings) -> None:
    @dg.asset(key=SUITE.asset_key, partitions_def=as_of_partitions(settings))
    def int_deals() -> None:
        """Already in the warehouse."""

    defs = dg.Definitions(
        assets=[int_deals],
        asset_checks=[build_suite_checks(settings, "warehouse_quality", [SUITE])],
    )
    job = defs.resolve_implicit_global_asset_job_def()
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            partition_key=AS_OF, instance=instance, raise_on_error=False
        )
    [evaluation] = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert not evaluation.passed
    link = evaluation.metadata["data_docs"]
    assert isinstance(link, dg.PathMetadataValue)
    page = Path(link.value)
    assert page.is_file() and "int_deals" in _text(page)
    site = settings.published_dir / DATA_DOCS_DIRNAME / f"{AS_OF}-{result.run_id[:8]}"
    assert page.is_relative_to(site) and (site / "index.html").is_file()
