"""Per-stage times of a refresh, from its Dagster run's event log.

The refresh's stages are Dagster steps (one op each, in-process executor, so they run one
after another): the dlt op ``<source>_tables`` (ingest), the GX and freshness check ops
(checks), ``salespulse_dbt_models`` (dbt build, its data tests included), and
``published_reports`` (publish, with the column lineage it writes). A step's seconds run
from its STEP_START to its STEP_SUCCESS (or STEP_FAILURE) event.

Everything here is a pure function of ``(timestamp, event_type, step_key)`` records, so it
is tested on recorded events; :func:`read_run_events` fetches them from an instance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

STAGES = ("ingest", "checks", "dbt build", "publish")
"""The refresh's stages, in run order (checks run both before and after the dbt build)."""

DBT_STEP = "salespulse_dbt_models"
PUBLISH_STEP = "published_reports"
RUN_START = ("PIPELINE_START", "RUN_START")
RUN_END = ("PIPELINE_SUCCESS", "RUN_SUCCESS", "PIPELINE_FAILURE", "RUN_FAILURE")
STEP_END = ("STEP_SUCCESS", "STEP_FAILURE")


@dataclass(frozen=True)
class Event:
    timestamp: float
    event_type: str | None
    step_key: str | None = None


@dataclass(frozen=True)
class Step:
    step_key: str
    stage: str
    start: float
    end: float
    status: str

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class RunTimes:
    """What the event log says about one run (timestamps in seconds since the epoch)."""

    steps: list[Step]
    first_event: float
    last_event: float
    run_start: float | None
    run_end: float | None
    event_counts: dict[str, int] = field(default_factory=dict)

    @property
    def stage_seconds(self) -> dict[str, float]:
        """Seconds per stage (every stage present, 0.0 when it had no step)."""
        totals = dict.fromkeys(STAGES, 0.0)
        for step in self.steps:
            totals[step.stage] = totals.get(step.stage, 0.0) + step.seconds
        return totals

    @property
    def planning_seconds(self) -> float:
        """From the run's first event to its start: Dagster records one planned event per
        asset and asset check before any op runs."""
        return (self.run_start or self.first_event) - self.first_event

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": [{**asdict(s), "seconds": s.seconds} for s in self.steps],
            "stage_seconds": self.stage_seconds,
            "planning_seconds": self.planning_seconds,
            "first_event": self.first_event,
            "last_event": self.last_event,
            "run_start": self.run_start,
            "run_end": self.run_end,
            "event_counts": self.event_counts,
        }


def stage_of(step_key: str) -> str:
    """The benchmark stage a Dagster step belongs to."""
    if step_key == DBT_STEP or step_key.startswith("dbt_") or step_key.endswith("_dbt_models"):
        return "dbt build"
    if step_key == PUBLISH_STEP:
        return "publish"
    if step_key.endswith("_tables"):
        return "ingest"
    if "quality" in step_key or "freshness" in step_key or step_key.startswith(PUBLISH_STEP):
        return "checks"  # the GX suites, source freshness, the published-file check
    return "other"


def run_times(events: Iterable[Event]) -> RunTimes:
    """Steps, run start and end, and event counts from a run's events (any order)."""
    ordered = sorted(events, key=lambda e: e.timestamp)
    if not ordered:
        raise ValueError("no events: is this the run's event log?")
    starts: dict[str, float] = {}
    steps: list[Step] = []
    run_start = run_end = None
    counts: Counter[str] = Counter()
    for event in ordered:
        kind = event.event_type or "LOG"
        counts[kind] += 1
        if kind in RUN_START:
            run_start = event.timestamp
        elif kind in RUN_END:
            run_end = event.timestamp
        elif kind == "STEP_START" and event.step_key:
            starts[event.step_key] = event.timestamp
        elif kind in STEP_END and event.step_key in starts:
            key = event.step_key
            steps.append(
                Step(
                    step_key=key,
                    stage=stage_of(key),
                    start=starts.pop(key),
                    end=event.timestamp,
                    status="success" if kind == "STEP_SUCCESS" else "failure",
                )
            )
    return RunTimes(
        steps=steps,
        first_event=ordered[0].timestamp,
        last_event=ordered[-1].timestamp,
        run_start=run_start,
        run_end=run_end,
        event_counts=dict(counts.most_common()),
    )


def read_run_events(dagster_home: str, since: float = 0.0) -> tuple[str, str, list[Event]]:
    """The latest run of the instance in ``dagster_home`` created at or after ``since``
    (epoch seconds): (run id, status, its events)."""
    import os

    os.environ["DAGSTER_HOME"] = dagster_home
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        records = [
            r for r in instance.get_run_records(limit=5) if r.create_timestamp.timestamp() >= since
        ]
        if not records:
            raise RuntimeError(f"no Dagster run in {dagster_home} since the refresh started")
        run = records[0].dagster_run
        logs = instance.all_logs(run.run_id)
    events = [
        Event(
            timestamp=entry.timestamp,
            event_type=entry.dagster_event.event_type_value if entry.dagster_event else None,
            step_key=entry.step_key,
        )
        for entry in logs
    ]
    return run.run_id, run.status.value, events


def events_from_rows(rows: Sequence[Sequence[Any]]) -> list[Event]:
    """Events from ``[timestamp, event_type, step_key]`` rows (recorded logs, JSON)."""
    return [Event(float(r[0]), r[1], r[2] if len(r) > 2 else None) for r in rows]
