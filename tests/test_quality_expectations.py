"""Every expectation kind the suites use fails on one bad row and names that row.

Each test builds a small DuckDB table of good rows plus one bad one, runs a one-table suite
through the real GX route, and checks the failing count and the sample in the check
result's metadata."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.quality import suite_result
from orchestration.quality.runner import SuiteOutcome, run_suites
from orchestration.quality.suites import (
    ACCEPTED_CURRENCIES,
    ALL_SUITES,
    Expect,
    TableSuite,
    between,
    finite_or_null,
    in_set,
    not_before,
    not_null,
    references,
    unique,
)

PROVEN_KINDS = {
    "ExpectColumnValuesToNotBeNull",
    "ExpectColumnValuesToBeUnique",
    "ExpectColumnValuesToBeBetween",
    "ExpectColumnValuesToBeInSet",
    "ExpectColumnPairValuesAToBeGreaterThanB",
    "UnexpectedRowsExpectation",
}

GOOD_ROWS = """
    select 'deal-' || range as deal_id, 'rep-1' as owner_id, 100.0::double as amount,
           'USD' as currency, 0.5::double as win_rate, 2.0::double as pipeline_coverage,
           timestamp '2026-01-01' as created_at, timestamp '2026-02-01' as closed_at
    from range(20)
"""


def _check(tmp_path: Path, bad_row: str, *expectations: Expect) -> SuiteOutcome:
    """Run ``expectations`` on canonical ``int_deals`` (20 good rows + ``bad_row``)."""
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(f"create table intermediate.int_deals as {GOOD_ROWS}")
        con.execute(f"insert into intermediate.int_deals by name select {bad_row}")
        con.execute("create table intermediate.int_users as select 'rep-1' as user_id")
    suite = TableSuite("canonical", "int_deals", ("deal_id",), expectations)
    [outcome] = run_suites(path, [suite])
    return outcome


def _assert_fails_naming(outcome: SuiteOutcome, deal_id: str, unexpected: int = 1) -> None:
    assert not outcome.passed
    [failed] = outcome.failed
    assert failed.error is None
    assert failed.unexpected_count == unexpected
    assert any(sample.get("deal_id") == deal_id for sample in failed.samples), failed.samples
    result = suite_result(outcome)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert deal_id in str(result.metadata["failures"].value)
    assert result.metadata["unexpected_rows"].value == unexpected


def test_not_null_fails_on_a_null_and_names_the_row(tmp_path: Path) -> None:
    outcome = _check(
        tmp_path, "'deal-null-owner' as deal_id, null as owner_id", *not_null("owner_id")
    )
    _assert_fails_naming(outcome, "deal-null-owner")


def test_unique_fails_on_a_duplicate_and_names_both_rows(tmp_path: Path) -> None:
    outcome = _check(tmp_path, "'deal-3' as deal_id", unique("deal_id"))
    _assert_fails_naming(outcome, "deal-3", unexpected=2)


def test_between_fails_below_the_minimum_and_names_the_row(tmp_path: Path) -> None:
    outcome = _check(tmp_path, "'deal-negative' as deal_id, -0.01 as amount", between("amount", 0))
    _assert_fails_naming(outcome, "deal-negative")


def test_between_fails_above_the_maximum_and_names_the_row(tmp_path: Path) -> None:
    outcome = _check(tmp_path, "'deal-rate' as deal_id, 1.5 as win_rate", between("win_rate", 0, 1))
    _assert_fails_naming(outcome, "deal-rate")


def test_between_ignores_nulls(tmp_path: Path) -> None:
    outcome = _check(tmp_path, "'deal-no-amount' as deal_id, null as amount", between("amount", 0))
    assert outcome.passed


def test_in_set_fails_on_an_unknown_currency_and_names_the_row(tmp_path: Path) -> None:
    outcome = _check(
        tmp_path,
        "'deal-yen' as deal_id, 'JPY' as currency",
        in_set("currency", ACCEPTED_CURRENCIES),
    )
    _assert_fails_naming(outcome, "deal-yen")


def test_close_before_create_fails_and_names_the_row(tmp_path: Path) -> None:
    bad = (
        "'deal-backwards' as deal_id, timestamp '2026-03-01' as created_at, "
        "timestamp '2026-02-28' as closed_at"
    )
    outcome = _check(tmp_path, bad, not_before("closed_at", "created_at"))
    _assert_fails_naming(outcome, "deal-backwards")


def test_close_check_skips_open_deals(tmp_path: Path) -> None:
    bad = "'deal-open' as deal_id, null as closed_at"
    assert _check(tmp_path, bad, not_before("closed_at", "created_at")).passed


def test_reference_fails_on_an_unknown_owner_and_names_the_row(tmp_path: Path) -> None:
    bad = "'deal-orphan' as deal_id, 'rep-404' as owner_id"
    outcome = _check(tmp_path, bad, references("owner_id", "intermediate.int_users", "user_id"))
    _assert_fails_naming(outcome, "deal-orphan")


def test_finite_or_null_fails_on_infinity_and_names_the_row(tmp_path: Path) -> None:
    bad = "'deal-inf' as deal_id, 'infinity'::double as pipeline_coverage"
    outcome = _check(tmp_path, bad, finite_or_null("pipeline_coverage"))
    _assert_fails_naming(outcome, "deal-inf")


def test_finite_or_null_accepts_null(tmp_path: Path) -> None:
    bad = "'deal-no-coverage' as deal_id, null as pipeline_coverage"
    assert _check(tmp_path, bad, finite_or_null("pipeline_coverage")).passed


def test_a_failing_expectation_does_not_hide_the_others(tmp_path: Path) -> None:
    bad = "'deal-two-faults' as deal_id, -5.0 as amount, 'JPY' as currency"
    outcome = _check(
        tmp_path,
        bad,
        *not_null("deal_id"),
        between("amount", 0),
        in_set("currency", ACCEPTED_CURRENCIES),
    )
    assert [o.success for o in outcome.outcomes] == [True, False, False]
    assert suite_result(outcome).metadata["failed_expectations"].value == 2


def test_every_expectation_kind_in_the_suites_has_a_failure_proof() -> None:
    used = {e.kind for suite in ALL_SUITES for e in suite.expectations}
    assert used <= PROVEN_KINDS, used - PROVEN_KINDS


def test_suites_name_existing_layers_and_unique_tables() -> None:
    keys = [(s.asset_key, s.check_name) for s in ALL_SUITES]
    assert len(keys) == len(set(keys))
    assert {s.layer for s in ALL_SUITES} == {"raw", "canonical", "marts"}
    assert all(e.kind for s in ALL_SUITES for e in s.expectations)
