"""docs/kpis.md is generated from the dbt YAML, is current, and covers the whole catalogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.kpi_docs import (
    CATALOGUE_PATH,
    CatalogueLine,
    KpiColumn,
    coverage,
    grain_of,
    kpi_columns,
    main,
    parse_catalogue,
    render,
    uncovered,
)
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT

SPEC_CATALOGUE = PROJECT_ROOT.parent / "shared" / "kpi-catalogue.md"


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh ``dbt parse`` of the project into a temporary target path."""
    workdir = tmp_path_factory.mktemp("kpi_docs_parse")
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "SALESPULSE_WAREHOUSE": str(workdir / "unused.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "parse", "--quiet", "--target-path", str(workdir / "target")]
    result = subprocess.run(
        command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"dbt parse failed:\n{result.stdout}\n{result.stderr}"
    return workdir / "target" / "manifest.json"


def test_kpi_doc_is_current(manifest_path: Path) -> None:
    assert main(["--check", "--manifest", str(manifest_path)]) == 0, (
        "run: python -m orchestration.kpi_docs"
    )


def test_every_catalogue_kpi_is_covered(manifest_path: Path) -> None:
    _, lines = parse_catalogue(CATALOGUE_PATH.read_text())
    kpis = kpi_columns(json.loads(manifest_path.read_text()))
    missing = [f"{line.section}: {line.kpi}" for line in uncovered(lines, kpis)]
    assert not missing, (
        "catalogue KPIs no mart column covers (add config.meta.kpi with a matching name):\n"
        + "\n".join(missing)
    )


def test_catalogue_has_every_section() -> None:
    sections, lines = parse_catalogue(CATALOGUE_PATH.read_text())
    assert list(sections) == ["A", "B", "C", "D", "E", "F"]
    assert len(lines) >= 30
    win_rate = next(line for line in lines if line.kpi == "Win rate")
    assert win_rate.benchmark == "20-30% (B2B average)"


@pytest.mark.skipif(not SPEC_CATALOGUE.exists(), reason="the product spec is not beside the repo")
def test_catalogue_copy_matches_the_spec() -> None:
    copy = CATALOGUE_PATH.read_text()
    body = copy[copy.index("# ") :]
    assert body == SPEC_CATALOGUE.read_text(), f"copy {SPEC_CATALOGUE} into {CATALOGUE_PATH}"


# ---------------------------------------------------------------------------- matching rules


def _line(section: str, kpi: str) -> CatalogueLine:
    return CatalogueLine(section, kpi, "definition", "-")


def _kpi(section: str, name: str, column: str = "c") -> KpiColumn:
    return KpiColumn(name, section, "f", "-", "d", "One row per x.", "mart", column)


@pytest.mark.parametrize(
    ("line", "name", "expected"),
    [
        ("Quota attainment (rep)", "Quota attainment (rep)", True),
        ("Quota attainment (rep)", "Quota attainment rate (team)", False),
        ("Bookings (won revenue)", "Bookings (team and company)", True),
        ("Pipeline snapshots", "Pipeline snapshot value", True),
        ("Churn rate (logo)", "Cycle length vs churn (churn rate)", False),
        ("Churn rate (logo)", "Churn rate by cohort", False),
        ("Stage conversion (funnel)", "Stage-to-won conversion", False),
        ("Loss rate, loss reasons", "Loss rate", False),
    ],
)
def test_coverage_matching(line: str, name: str, expected: bool) -> None:
    catalogue_line = _line("A", line)
    assert bool(coverage([catalogue_line], [_kpi("A", name)])[catalogue_line]) is expected


def test_a_line_with_parts_needs_every_part_and_the_same_section() -> None:
    line = _line("C", "Loss rate, loss reasons")
    kpis = [_kpi("C", "Loss rate", "a"), _kpi("C", "Loss reasons / competitor share", "b")]
    assert [k.column for k in coverage([line], kpis)[line]] == ["a", "b"]
    assert uncovered([line], [_kpi("B", "Loss rate"), _kpi("B", "Loss reasons")]) == [line]


def test_grain_is_the_one_row_per_sentence() -> None:
    assert grain_of("Win/loss analysis. One row per quarter. More.") == "One row per quarter."
    assert grain_of("Deals as of the date.\nMore.") == "Deals as of the date."


def test_render_lists_columns_and_uncovered_lines() -> None:
    catalogue = (
        "# C\n\n## A. Outcomes\n| KPI | Definition | Quoted benchmark |\n|---|---|---|\n"
        "| Win rate | won / closed | 20-30% |\n| Bottleneck | worst stage | - |\n"
    )
    column = {
        "name": "win_rate",
        "description": "won / closed; null when none | closed.",
        "config": {"meta": {"kpi": {"name": "Win rate", "catalogue": "A", "formula": "w / c"}}},
    }
    node = {
        "resource_type": "model",
        "name": "rep_performance",
        "config": {"schema": "marts"},
        "description": "Reps. One row per rep and period.",
        "columns": {"win_rate": column},
    }
    text = render({"nodes": {"model.x.rep_performance": node}}, catalogue)
    assert "| Win rate | won / closed; null when none \\| closed. | `w / c` |" in text
    assert "| One row per rep and period. | `rep_performance.win_rate` | 20-30% |" in text
    assert "- A: Bottleneck" in text
