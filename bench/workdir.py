"""The work dir of one benchmark run: the machine facts at its start, the snapshot of the
code it runs (parsed by dbt there), and, at its end, the JSON written and the dir kept
or deleted."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.machine import load_average, machine_facts
from bench.process import PROJECT_ROOT, QUIET_ENV, say, timed

SNAPSHOT_PATHS = ("orchestration", "ingestion", "dbt_project", "bench", ".dlt", "reports")
SNAPSHOT_IGNORE = shutil.ignore_patterns(
    "target", "logs", "node_modules", "build", "screenshots", ".evidence", "__pycache__", "*.pyc"
)


def snapshot(dest: Path, root: Path = PROJECT_ROOT) -> Path:
    """A copy of the code the refresh runs (Python packages, dbt project, report pages), so
    edits to the checkout during a long benchmark cannot change it half-way; its dbt
    manifest is parsed afresh by :func:`parse_manifest`."""
    for name in SNAPSHOT_PATHS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=SNAPSHOT_IGNORE, dirs_exist_ok=True)
    return dest


def parse_manifest(src: Path) -> tuple[float, int]:
    """``dbt parse`` of the snapshot's project into its own ``target/`` (what ``make setup``
    does up front): the manifest the Dagster definitions load."""
    project = src / "dbt_project"
    return timed(
        [
            str(Path(sys.executable).with_name("dbt")), "parse", "--quiet",
            "--project-dir", str(project), "--profiles-dir", str(project),
        ],
        {**os.environ, **QUIET_ENV},
        cwd=project,
    )  # fmt: skip


@dataclass(frozen=True)
class Start:
    """What every benchmark run records before it begins, where it works, and the snapshot
    of the code it runs (parsed by dbt there)."""

    facts: dict[str, Any]
    load_start: list[float]
    started_at: str
    work: Path
    src: Path
    parse_seconds: float

    def machine(self) -> dict[str, Any]:
        """The machine facts with the load average at the start and now (the end)."""
        return {
            **self.facts,
            "load_average_start": self.load_start,
            "load_average_end": load_average(),
        }


def begin(label: str, deals: int, as_of: date, workdir: Path | None, mode: str = "") -> Start:
    """Record the machine, make the work dir, snapshot the code there and parse it."""
    facts = machine_facts()
    load_start = load_average()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    work = Path(workdir or tempfile.mkdtemp(prefix=f"salespulse-bench-{label}-"))
    work.mkdir(parents=True, exist_ok=True)
    say(f"size {label}{mode}: {deals:,} deals as of {as_of}, work dir {work}, load {load_start}")
    say("snapshot of the code (orchestration, ingestion, dbt_project, reports) and dbt parse")
    src = snapshot(work / "src")
    parse_seconds, parse_rc = parse_manifest(src)
    if parse_rc != 0:
        raise SystemExit(f"bench: dbt parse failed in {src / 'dbt_project'}")
    return Start(facts, load_start, started_at, work, src, parse_seconds)


def finish(result: dict[str, Any], work: Path, json_path: Path | None, keep: bool) -> None:
    """Write the JSON, then keep or delete the work dir."""
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=2, default=str))
        print(f"  JSON: {json_path}")
    if keep:
        print(f"  kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
