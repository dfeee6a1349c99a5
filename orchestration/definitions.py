"""The one Dagster ``Definitions`` of SalesPulse, loaded by workspace.yaml and `dagster dev`."""

from orchestration.assembly import build_definitions
from orchestration.settings import Settings

defs = build_definitions(Settings.from_env())
