"""The weekly refresh is incremental and still reproduces a full rebuild exactly.

One warehouse (A) is refreshed week after week the way the schedule does it: dlt loads
only what changed since the previous extract (merge) and dbt's incremental models
recompute only what changed (int_pipeline_week_states and the mart
pipeline_snapshots_weekly: new weeks and changed deals;
int_activities_loaded: activities written by a new load or with changed email events;
int_stage_entries: deals with a stage-history or deal row written by a new load;
int_activity_days_loaded: the days whose activities int_activities_loaded recomputed or
lost). After every step
the same date is built from scratch in a fresh warehouse (B: full extract, replace, dbt
``--full-refresh``), and A must equal B:

* raw: every table, row for row (EXCEPT ALL both ways, dlt's columns aside);
* the incremental models and the models built on them, row for row (audit columns aside;
  int_activity_days_loaded, whose counts are split by the run that computed their
  activities, summed over those runs);
* at the end, every mart and every intermediate table of a full ``dbt run`` (load ids
  aside: they name loads, which differ by construction; reconciliation, which counts rows
  per load, is compared summed over loads).

The sequence has deal changes, deletions and late-arriving history rows (mess rate 0.1,
the maximum, so each appears at this small size; the test asserts they do), and a rerun
as of an earlier week between two forward weeks.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dlt
import duckdb
import pytest

from ingestion.demo_crm import DemoCrmConfig
from ingestion.demo_crm.mess import LATE_LAG_DAYS
from ingestion.demo_crm.schema import SCHEMAS
from ingestion.demo_crm.source import LATE_ARRIVAL_LAG, demo_crm_source
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse import MARTS_CATALOG, marts_path, relation_name
from orchestration.warehouse import connect as warehouse_connection

pytestmark = pytest.mark.slow

SIZE = 1_500
MESS_RATE = 0.1
# forward weeks, a rerun as of an earlier week, then forward again
STEPS = (
    date(2026, 10, 18),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2026, 10, 25),
    date(2026, 11, 8),
)
INCREMENTAL_MODELS = (
    "int_pipeline_week_states",
    "int_activities_loaded",
    "int_stage_entries",
    "int_activity_days_loaded",
)
# incremental marts (in the marts file), compared with the pipeline marts after every step
INCREMENTAL_MARTS = ("pipeline_snapshots_weekly",)
# the incremental models, what they read and the models built on them; plus the marts
# that read load ids
STEP_SELECTION = "+int_pipeline_week_states+ +activity_weekly +reconciliation +quarantine"
# compared after every step besides the pipeline marts
STEP_TABLES = (
    *INCREMENTAL_MODELS,
    "int_activities",
    "int_activity_days",
    "activity_weekly",
    "reconciliation",
    "quarantine",
)
AUDIT_COLUMNS = {
    "dbt_invocation_id",
    "load_id",
    "email_load_id",
    "deal_load_id",
    "source_invocation_id",
}
# compared summed over what only they split by: loads, the runs that computed the rows
SUMMED_TABLES = ("reconciliation", "int_activity_days_loaded")
DBT = Path(sys.executable).with_name("dbt")


def _cutoff(as_of: date) -> datetime:
    return datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) + timedelta(days=1)


def _config(as_of: date) -> DemoCrmConfig:
    return DemoCrmConfig(size=SIZE, mess_rate=MESS_RATE, as_of=as_of)


def _pipeline(name: str, warehouse: Path, pipelines_dir: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_demo_crm",
        pipelines_dir=str(pipelines_dir),
    )


def _dbt(
    warehouse: Path, as_of: date, target: Path, select: str | None, full_refresh: bool = False
) -> dict:
    env = dict(
        os.environ,
        SALESPULSE_WAREHOUSE=str(warehouse),
        DBT_PROFILES_DIR=str(DBT_PROJECT_DIR),
    )
    command = [str(DBT), "run", "--target-path", str(target), "--log-path", str(target / "logs")]
    command += ["--vars", json.dumps({"as_of_date": as_of.isoformat()})]
    command += ["--select", *select.split()] if select else []
    command += ["--full-refresh"] if full_refresh else []
    done = subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:]
    return json.loads((target / "run_results.json").read_text())


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"describe {relation}").fetchall()}


def _differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows in one relation and not the other (EXCEPT ALL both ways), audit columns aside;
    reconciliation (one row per raw table and load) summed over loads, and the activity
    day counts summed over the runs that computed their activities."""
    columns = {c: t for c, t in _columns(con, right).items() if c not in AUDIT_COLUMNS}
    if right.rsplit(".", 1)[-1].strip('"') in SUMMED_TABLES:
        numeric = [
            c
            for c, t in columns.items()
            if t.startswith(("BIGINT", "INT", "DECIMAL", "HUGEINT", "DOUBLE"))
        ]
        keys = ", ".join(c for c in columns if c not in numeric)
        sums = ", ".join(f"sum({c}) as {c}" for c in numeric)
        a = f"select {keys}, {sums} from {left} group by {keys}"
        b = f"select {keys}, {sums} from {right} group by {keys}"
    else:
        cols = ", ".join(f'"{c}"' for c in columns)
        a, b = f"select {cols} from {left}", f"select {cols} from {right}"
    sql = f"select count(*) from (({a} except all {b}) union all ({b} except all {a}))"
    return con.execute(sql).fetchone()[0]


@dataclass
class Step:
    as_of: date
    full_warehouse: Path
    raw_differences: dict[str, int] = field(default_factory=dict)
    model_differences: dict[str, int] = field(default_factory=dict)
    rows_loaded: int = 0
    raw_rows: int = 0
    # per incremental model: rows computed by the step's dbt invocation, and all rows
    rows_recomputed: dict[str, int] = field(default_factory=dict)
    model_rows: dict[str, int] = field(default_factory=dict)


@dataclass
class Sequence:
    steps: list[Step]
    incremental_warehouse: Path
    final_differences: dict[str, int]


def _full_and_incremental(full: Path, incremental: Path) -> duckdb.DuckDBPyConnection:
    """The full build with its marts (``marts``), and the incremental one as ``inc`` with its
    marts as ``inc_marts``: both read-only."""
    con = warehouse_connection(full, read_only=True)
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{marts_path(incremental)}' as inc_marts (read_only)")
    return con


def _built_tables(con: duckdb.DuckDBPyConnection, where: str) -> list[tuple[str, str, str]]:
    """(``schema.table`` or ``marts.table``, the full build's relation, the incremental's) of
    the intermediate relations and the marts, filtered by ``where`` on information_schema."""
    rows = con.execute(
        "select table_catalog, table_schema, table_name from information_schema.tables "
        "where (table_catalog = current_database() "
        "and table_schema = 'intermediate' or table_catalog = 'marts') "
        f"and ({where}) order by all"
    ).fetchall()
    return [
        (
            relation_name(catalog, schema, table),
            f'"{catalog}"."{schema}"."{table}"',
            f"{'inc_marts' if catalog == MARTS_CATALOG else 'inc'}.{schema}.{table}",
        )
        for catalog, schema, table in rows
    ]


def _compare_step(step: Step, warehouse: Path, invocation: str) -> None:
    with _full_and_incremental(step.full_warehouse, warehouse) as con:
        for table, schema in SCHEMAS.items():
            cols = ", ".join(schema.names)
            a = f"select {cols} from inc.raw_demo_crm.{table}"
            b = f"select {cols} from raw_demo_crm.{table}"
            sql = f"select count(*) from (({a} except all {b}) union all ({b} except all {a}))"
            step.raw_differences[table] = con.execute(sql).fetchone()[0]
        last_load = con.execute("select max(load_id) from inc.raw_demo_crm._dlt_loads").fetchone()
        for table in SCHEMAS:
            step.rows_loaded += con.execute(
                f"select count(*) from inc.raw_demo_crm.{table} where _dlt_load_id = ?", last_load
            ).fetchone()[0]
            step.raw_rows += con.execute(
                f"select count(*) from inc.raw_demo_crm.{table}"
            ).fetchone()[0]
        step_tables = ", ".join(f"'{t}'" for t in STEP_TABLES)
        selected = _built_tables(
            con,
            f"table_catalog = 'marts' and table_name like 'pipeline_%' "
            f"or table_name in ({step_tables})",
        )
        for name, full, inc in selected:
            step.model_differences[name.split(".", 1)[1]] = _differences(con, inc, full)
        relations = [(m, f"inc.intermediate.{m}") for m in INCREMENTAL_MODELS]
        relations += [(m, f"inc_marts.main.{m}") for m in INCREMENTAL_MARTS]
        for model, relation in relations:
            step.model_rows[model], step.rows_recomputed[model] = con.execute(
                "select count(*), count(case when dbt_invocation_id = ? then 1 end) "
                f"from {relation}",
                [invocation],
            ).fetchone()


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sequence]:
    work = tmp_path_factory.mktemp("incremental")
    pipelines = work / "dlt"
    incremental = work / "incremental.duckdb"
    full_builds: dict[date, Path] = {}
    steps: list[Step] = []
    for i, as_of in enumerate(STEPS):
        # the source reads the active pipeline's state: (re)attach the weekly one first
        weekly = _pipeline("incremental", incremental, pipelines)
        weekly.run(demo_crm_source(_config(as_of)))
        results = _dbt(incremental, as_of, work / "target-incremental", STEP_SELECTION)
        if as_of not in full_builds:
            full = work / f"full-{as_of}.duckdb"
            _pipeline(f"full{i}", full, pipelines).run(
                demo_crm_source(_config(as_of), incremental=False)
            )
            _dbt(full, as_of, work / "target-full", STEP_SELECTION, full_refresh=True)
            full_builds[as_of] = full
        step = Step(as_of, full_builds[as_of])
        _compare_step(step, incremental, results["metadata"]["invocation_id"])
        steps.append(step)

    # finally every model, in both warehouses
    last = STEPS[-1]
    _dbt(incremental, last, work / "target-incremental", None)
    _dbt(full_builds[last], last, work / "target-full", None, full_refresh=True)
    final: dict[str, int] = {}
    with _full_and_incremental(full_builds[last], incremental) as con:
        for name, full, inc in _built_tables(con, "table_type = 'BASE TABLE'"):
            final[name] = _differences(con, inc, full)
    yield Sequence(steps, incremental, final)


def test_the_load_lag_covers_the_crms_late_arriving_rows() -> None:
    assert timedelta(days=max(LATE_LAG_DAYS)) <= LATE_ARRIVAL_LAG


def test_raw_after_merged_loads_equals_a_full_extract(sequence: Sequence) -> None:
    for step in sequence.steps:
        assert set(step.raw_differences.values()) == {0}, (step.as_of, step.raw_differences)


def test_incremental_models_and_marts_equal_a_full_rebuild_every_week(sequence: Sequence) -> None:
    for step in sequence.steps:
        assert {"pipeline_snapshots_weekly", "pipeline_movement_weekly", *STEP_TABLES} <= set(
            step.model_differences
        )
        assert set(step.model_differences.values()) == {0}, (step.as_of, step.model_differences)


def test_every_mart_and_intermediate_table_equals_a_full_rebuild(sequence: Sequence) -> None:
    assert len(sequence.final_differences) > 40
    different = {name: n for name, n in sequence.final_differences.items() if n}
    assert not different


def test_the_sequence_has_changes_deletions_and_late_rows(sequence: Sequence) -> None:
    """What the loads between weeks carried: deals changed and deleted, and history rows
    recorded late (before the previous cutoff, absent from the previous extract)."""
    changed = deleted = late = 0
    warehouses = {step.as_of: step.full_warehouse for step in sequence.steps}
    for before, after in itertools.pairwise(STEPS):
        if after < before:
            continue  # the rerun as of an earlier week: a full replace, not a merge
        after_warehouse = warehouses[after]
        before_warehouse = warehouses[before]
        with duckdb.connect(str(after_warehouse), read_only=True) as con:
            con.execute(f"attach '{before_warehouse}' as prev (read_only)")
            cols = ", ".join(SCHEMAS["deals"].names)
            changed += con.execute(
                f"select count(distinct deal_id) from (select {cols} from raw_demo_crm.deals "
                f"except select {cols} from prev.raw_demo_crm.deals)"
            ).fetchone()[0]
            deleted += con.execute(
                "select count(*) from raw_demo_crm.deals d where d.is_deleted and not exists "
                "(select 1 from prev.raw_demo_crm.deals p where p.deal_id = d.deal_id "
                "and p.is_deleted)"
            ).fetchone()[0]
            late += con.execute(
                "select count(*) from raw_demo_crm.deal_stage_history h where entered_at < ? "
                "and not exists (select 1 from prev.raw_demo_crm.deal_stage_history p "
                "where p.deal_id = h.deal_id and p.stage_id = h.stage_id "
                "and p.entered_at = h.entered_at)",
                [_cutoff(before)],
            ).fetchone()[0]
    assert changed > 0 and deleted > 0 and late > 0, (changed, deleted, late)


def test_a_weekly_step_processes_only_what_changed(sequence: Sequence) -> None:
    """Forward weeks: dlt loads a small part of the raw rows (17 days of changes: the week
    plus the 10-day late-arrival lag, and the small org tables) and each incremental model
    (and incremental mart) recomputes a small part of its rows (one new week and the
    changed deals; the new and
    changed activities; the stage entries of the changed deals; the activity counts of the
    days those activities occurred on)."""
    forward = [s for s, prev in zip(sequence.steps[1:], STEPS, strict=False) if s.as_of > prev]
    assert len(forward) == 3
    for step in forward:
        assert step.rows_loaded < 0.1 * step.raw_rows, (step.as_of, step.rows_loaded)
        for model in (*INCREMENTAL_MODELS, *INCREMENTAL_MARTS):
            recomputed, rows = step.rows_recomputed[model], step.model_rows[model]
            assert 0 < recomputed < 0.2 * rows, (step.as_of, model, recomputed, rows)
    first = sequence.steps[0]
    assert first.rows_loaded == first.raw_rows  # the first load is a full one
    assert first.rows_recomputed == first.model_rows


def test_a_corrected_past_rate_recomputes_its_weeks(sequence: Sequence, tmp_path: Path) -> None:
    """The weekly snapshots keep their rows between runs, each at its Sunday's rate: when a
    past rate is corrected (here EUR on the Sunday three weeks before the last as-of date,
    in the raw table), an incremental run recomputes that week's rows and equals a full
    rebuild of the same data."""
    last = STEPS[-1]
    sunday = last - timedelta(days=(last.weekday() + 1) % 7 + 21)
    copies = {}
    for name in ("incremental", "full"):
        copy = tmp_path / f"{name}.duckdb"
        copy.write_bytes(sequence.incremental_warehouse.read_bytes())
        marts_path(copy).write_bytes(marts_path(sequence.incremental_warehouse).read_bytes())
        with duckdb.connect(str(copy)) as con:
            changed = con.execute(
                "update raw_demo_crm.fx_rates set usd_per_unit = usd_per_unit * 1.1 "
                "where currency = 'EUR' and rate_date = ?",
                [sunday],
            ).fetchone()[0]
        assert changed == 1
        copies[name] = copy
    selection = "+pipeline_snapshots_weekly"
    _dbt(copies["incremental"], last, tmp_path / "target-incremental", selection)
    _dbt(copies["full"], last, tmp_path / "target-full", selection, full_refresh=True)
    with _full_and_incremental(copies["full"], copies["incremental"]) as con:
        con.execute(f"attach '{marts_path(sequence.incremental_warehouse)}' as before (read_only)")
        snapshots = "main.pipeline_snapshots_weekly"
        revalued = con.execute(
            f"select count(*) from inc_marts.{snapshots} as now "
            f"inner join before.{snapshots} as was using (week_end, deal_id) "
            "where now.fx_rate <> was.fx_rate",
        ).fetchone()[0]
        assert revalued > 0
        assert _differences(con, f"inc_marts.{snapshots}", f"marts.{snapshots}") == 0


def test_snapshots_stored_before_their_fingerprints_are_rebuilt(
    sequence: Sequence, tmp_path: Path
) -> None:
    """A home whose snapshots table was built before the rows kept their deal fingerprint
    (the as-of date's rate, no fingerprints to compare) gets it rebuilt whole by the next
    run (the on-run-start hook drop_if_built_without), equal to a full rebuild."""
    last = STEPS[-1]
    copy = tmp_path / "older.duckdb"
    copy.write_bytes(sequence.incremental_warehouse.read_bytes())
    marts_path(copy).write_bytes(marts_path(sequence.incremental_warehouse).read_bytes())
    with duckdb.connect(str(marts_path(copy))) as marts:
        marts.execute("alter table main.pipeline_snapshots_weekly drop column deal_fingerprint")
    _dbt(copy, last, tmp_path / "target", "+pipeline_snapshots_weekly")
    snapshots = "main.pipeline_snapshots_weekly"
    with _full_and_incremental(sequence.steps[-1].full_warehouse, copy) as con:
        assert "deal_fingerprint" in _columns(con, f"inc_marts.{snapshots}")
        assert _differences(con, f"inc_marts.{snapshots}", f"marts.{snapshots}") == 0


def test_a_retired_models_table_is_dropped(sequence: Sequence, tmp_path: Path) -> None:
    """A warehouse built before int_team_events was replaced by int_team_days still holds
    its table, which no run would update again: the next run drops it (the on-run-start
    hook drop_retired_model), and leaves a warehouse without one alone."""
    copy = tmp_path / "upgraded.duckdb"
    copy.write_bytes(sequence.incremental_warehouse.read_bytes())
    marts_path(copy).write_bytes(marts_path(sequence.incremental_warehouse).read_bytes())
    with duckdb.connect(str(copy)) as con:
        con.execute("create table intermediate.int_team_events as select 1 as event_count")
    for run in ("first", "second"):
        _dbt(copy, STEPS[-1], tmp_path / run, "int_periods")
        with duckdb.connect(str(copy), read_only=True) as con:
            tables = con.execute(
                "select table_name from duckdb_tables() where schema_name = 'intermediate'"
            ).fetchall()
        assert ("int_team_events",) not in tables
        assert ("int_team_days",) in tables
