"""The Dagster instance SalesPulse runs in: DAGSTER_HOME with the project's dagster.yaml."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from orchestration.settings import Settings

INSTANCE_CONFIG = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME with the project's instance config (kept if already there)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_CONFIG, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def get_instance(settings: Settings) -> dg.DagsterInstance:
    prepare_dagster_home(settings)
    return dg.DagsterInstance.get()
