"""A Great Expectations Data Docs site per run, published beside the reports.

Layout under ``<SALESPULSE_HOME>/published/data-docs/``::

    <as_of>-<run_id8>/index.html          one site per run, kept
    <as_of>-<run_id8>/validations/<layer>/<table>/<run_id>/<time>/<schema>.<table>.html
    <as_of>-<run_id8>/expectations/<layer>/<table>.html   each suite's expectations
    <as_of>-<run_id8>/.results/, .suites/ the validation results and suites it renders
    latest -> <as_of>-<run_id8>           the last run that built docs (swapped atomically)
    .static/                              one copy of GX's static files, hard-linked into sites

The GX context of the suites (ephemeral, see ``runner``) gets a ``ValidationResultsStore``
and an ``ExpectationsStore`` on the run's ``.results`` and ``.suites`` folders and a
``SiteBuilder`` site writing to the run's folder (GX 1.x ``add_store`` /
``add_data_docs_site`` / ``build_data_docs``). The raw and warehouse
checks run in separate steps, each with its own context; both store into the same folder,
and each build renders only its own pages and rebuilds the index from every stored
result, so the index lists every table checked in the run. One page per table: the
column and row-query validations of a suite are merged into one result named like the
suite (``canonical.int_deals``). Rows returned by row queries are cut to the sample size
before they are stored. Nothing is read from the warehouse here.
"""

from __future__ import annotations

import filecmp
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

DATA_DOCS_DIRNAME = "data-docs"
LATEST = "latest"
SHARED_STATIC = ".static"
RESULTS_DIRNAME = ".results"
SUITES_DIRNAME = ".suites"
SITE_NAME = "salespulse_run"
RESULTS_STORE_NAME = "salespulse_run_validations"
SUITES_STORE_NAME = "salespulse_run_suites"


@dataclass(frozen=True)
class DataDocsSite:
    """Where one run's site goes: ``<root>/<as_of>-<run_id8>``."""

    root: Path
    as_of: str
    run_id: str

    @classmethod
    def for_run(cls, published_dir: Path, as_of: str | None, run_id: str) -> DataDocsSite:
        return cls(published_dir / DATA_DOCS_DIRNAME, as_of or "unpartitioned", run_id)

    @property
    def name(self) -> str:
        return f"{self.as_of}-{self.run_id[:8]}"

    @property
    def directory(self) -> Path:
        return self.root / self.name

    @property
    def index(self) -> Path:
        return self.directory / "index.html"

    @property
    def latest(self) -> Path:
        return self.root / LATEST


def attach(context: Any, site: DataDocsSite) -> None:
    """Give ``context`` result and suite stores and a Data Docs site in the run's folder."""
    site.directory.mkdir(parents=True, exist_ok=True)
    for name, class_name, dirname in (
        (RESULTS_STORE_NAME, "ValidationResultsStore", RESULTS_DIRNAME),
        (SUITES_STORE_NAME, "ExpectationsStore", SUITES_DIRNAME),
    ):
        context.add_store(
            name,
            {
                "class_name": class_name,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site.directory / dirname),
                },
            },
        )
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(site.directory),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "site_section_builders": {
                "expectations": {"source_store_name": SUITES_STORE_NAME},
                "profiling": "0",
                "validations": {"source_store_name": RESULTS_STORE_NAME},
            },
        },
    )


def merged_result(
    suite_name: str, results: Sequence[Any], sample_rows: int, run_time: datetime | None = None
) -> Any:
    """One suite validation result from a suite's GX results (columns, row queries)."""
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.validator.validation_statistics import calc_validation_statistics

    expectation_results = [r for result in results for r in result.results]
    for r in expectation_results:
        details = (r.result or {}).get("details")
        if isinstance(details, dict) and isinstance(details.get("unexpected_rows"), list):
            details["unexpected_rows"] = details["unexpected_rows"][:sample_rows]
    statistics = calc_validation_statistics(expectation_results)
    meta = dict(results[0].meta) if results else {}
    meta["run_time"] = (run_time or datetime.now(UTC)).isoformat()
    return ExpectationSuiteValidationResult(
        success=statistics.success,
        results=expectation_results,
        suite_name=suite_name,
        statistics=statistics._asdict(),
        meta=meta,
    )


def build(
    context: Any, site: DataDocsSite, results: Mapping[str, tuple[str, Any, Any]]
) -> dict[str, Path]:
    """Store ``results`` ({key: (batch name, suite result, GX suite)}), render their pages
    and the index, point ``latest`` at the site; returns each key's validation page."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_id = RunIdentifier(run_name=site.run_id, run_time=datetime.now(UTC))
    identifiers: dict[str, Any] = {}
    suite_identifiers: list[Any] = []
    for key, (batch_name, result, gx_suite) in results.items():
        suite_identifier = ExpectationSuiteIdentifier(name=result.suite_name)
        context.stores[SUITES_STORE_NAME].set(suite_identifier, gx_suite)
        identifier = ValidationResultIdentifier(
            expectation_suite_identifier=suite_identifier,
            run_id=run_id,
            batch_identifier=batch_name,
        )
        context.stores[RESULTS_STORE_NAME].set(identifier, result)
        identifiers[key] = identifier
        suite_identifiers.append(suite_identifier)
    context.build_data_docs(
        site_names=[SITE_NAME], resource_identifiers=[*identifiers.values(), *suite_identifiers]
    )
    if not site.index.is_file():
        raise RuntimeError(f"GX did not write {site.index}")
    pages = {key: _page(context, identifier) for key, identifier in identifiers.items()}
    share_static(site)
    point_latest(site)
    return pages


def _page(context: Any, identifier: Any) -> Path:
    (entry,) = context.get_docs_sites_urls(resource_identifier=identifier, site_name=SITE_NAME)
    return Path(unquote(urlparse(entry["site_url"]).path))


def point_latest(site: DataDocsSite) -> None:
    """Swap ``latest`` to this site atomically (a relative symlink renamed over the old)."""
    staging = site.root / f".{LATEST}.{site.run_id}.tmp"
    staging.unlink(missing_ok=True)
    staging.symlink_to(site.name, target_is_directory=True)
    os.replace(staging, site.latest)


def share_static(site: DataDocsSite) -> None:
    """Hard-link the site's copy of GX's static files (fonts, images: ~4 MB) to one shared
    copy, so kept sites cost their pages only. Best effort: files stay copies on error."""
    static = site.directory / "static"
    shared = site.root / SHARED_STATIC
    for file in sorted(p for p in static.rglob("*") if p.is_file() and not p.is_symlink()):
        common = shared / file.relative_to(static)
        try:
            if not common.exists():
                common.parent.mkdir(parents=True, exist_ok=True)
                os.link(file, common)
            elif not os.path.samefile(file, common) and filecmp.cmp(file, common, shallow=False):
                staging = file.with_name(f".{file.name}.link")
                staging.unlink(missing_ok=True)
                os.link(common, staging)
                os.replace(staging, file)
        except OSError:
            continue
