"""docs/published-contract.md is generated from the dbt YAML and must be current."""

from __future__ import annotations

import json

from orchestration.contract import CONTRACT_PATH, main, render
from orchestration.defs.transformation import dbt_project, ensure_manifest
from orchestration.manifest import MANIFEST_PATH


def test_published_contract_doc_is_current() -> None:
    ensure_manifest(dbt_project())
    assert main(["--check"]) == 0, "run: python -m orchestration.contract"


def test_contract_lists_every_mart_with_its_grain() -> None:
    ensure_manifest(dbt_project())
    text = render(json.loads(MANIFEST_PATH.read_text()))
    for mart in ("deals", "stage_visits", "stage_durations", "rep_performance"):
        assert f"### `{mart}`" in text
    assert "one row per" in CONTRACT_PATH.read_text()
