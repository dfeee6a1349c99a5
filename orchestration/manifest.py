"""The parsed dbt project (target/manifest.json) and the one rule for what is published.

Every model in schema ``marts`` is a published report table; everything that lists the
published tables (the publish asset, the contract and KPI docs, the tests) asks here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orchestration.settings import DBT_PROJECT_DIR

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
MART_SCHEMA = "marts"


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    return json.loads(path.read_text())


def mart_nodes(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The published mart models of ``manifest``, by name."""
    return sorted(
        (
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["config"].get("schema") == MART_SCHEMA
        ),
        key=lambda node: node["name"],
    )
