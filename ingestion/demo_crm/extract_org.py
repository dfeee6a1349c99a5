"""As-of extract of the world-level tables: organisation, quotas, pipelines, spend, FX.

teams, users, team_memberships, quotas, pipelines, pipeline_stages, sales_marketing_spend
and fx_rates are small; they are built in one piece (Python lists are fine here).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from ingestion.demo_crm import columns as col
from ingestion.demo_crm.catalog import CURRENCIES, PIPELINES, REGIONS, STAGES, TEAM_NAMES
from ingestion.demo_crm.config import EPOCH, US_PER_DAY, DemoCrmConfig
from ingestion.demo_crm.people import NO_END, RAMP_MONTHS
from ingestion.demo_crm.timeline import add_months
from ingestion.demo_crm.world import World

EMAIL_DOMAIN = "salespulse-demo.example"
OFFICE_HOURS_US = 9 * 3_600_000_000  # HR and admin edits happen at 09:00 UTC


def rep_id(i: int | np.ndarray) -> str | pa.Array:
    if isinstance(i, np.ndarray):
        return col.ids("rep-", i + 1, 5)
    return f"rep-{i + 1:05d}"


def team_id(i: int) -> str:
    return f"team-{i + 1:04d}"


def manager_id(i: int) -> str:
    return f"mgr-{i + 1:04d}"


EXEC_ID = "exec-0001"


def org_tables(
    world: World, config: DemoCrmConfig, timings: dict[str, float] | None = None
) -> dict[str, pa.Table]:
    """All world-level tables as of ``config.extract_date``."""
    builders = {
        "teams": lambda: teams(world),
        "users": lambda: users(world, config),
        "team_memberships": lambda: team_memberships(world, config),
        "quotas": lambda: quotas(world, config),
        "pipelines": pipelines,
        "pipeline_stages": pipeline_stages,
        "sales_marketing_spend": lambda: spend(world, config),
        "fx_rates": lambda: fx_rates(world, config),
    }
    out = {}
    for name, build in builders.items():
        start = time.perf_counter()
        out[name] = build()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
    return out


def _day_ts(config: DemoCrmConfig, day: int) -> int:
    return config.start_us + int(day) * US_PER_DAY + OFFICE_HOURS_US


def _date(config: DemoCrmConfig, day: int):
    return config.start_date + timedelta(days=int(day))


def teams(world: World) -> pa.Table:
    p, cfg = world.people, world.config
    names = []
    for i in range(p.n_teams):
        suffix = f" {i // len(TEAM_NAMES) + 1}" if i >= len(TEAM_NAMES) else ""
        names.append(f"{REGIONS[p.team_region[i]]} {TEAM_NAMES[i % len(TEAM_NAMES)]}{suffix}")
    updated = [_day_ts(cfg, d) for d in p.manager_hire_day]
    return col.table(
        "teams",
        {
            "team_id": pa.array([team_id(i) for i in range(p.n_teams)]),
            "team_name": pa.array(names),
            "region": pa.array([REGIONS[r] for r in p.team_region]),
            "manager_id": pa.array([manager_id(i) for i in range(p.n_teams)]),
            "updated_at": col.timestamps(np.array(updated, dtype=np.int64)),
        },
    )


def _emails(names: list[tuple[str, str]]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for first, last in names:
        base = f"{first}.{last}".lower()
        seen[base] = seen.get(base, 0) + 1
        n = seen[base]
        out.append(f"{base}{n if n > 1 else ''}@{EMAIL_DOMAIN}")
    return out


def users(world: World, config: DemoCrmConfig) -> pa.Table:
    """Reps hired by the extract date, every manager and the CRO."""
    p = world.people
    day = (config.extract_date - config.start_date).days
    emails = _emails(p.rep_names + p.manager_names + [p.exec_name])
    rows: list[dict] = []
    team_now = p.team_at(day)
    for i in range(p.n_reps):
        if p.rep_hire_day[i] > day:
            continue
        left = p.rep_left_day[i] if p.rep_left_day[i] <= day else None
        events = [p.rep_hire_day[i]] + [
            e for e in (p.rep_move_day[i], p.rep_left_day[i]) if e <= day
        ]
        t = int(team_now[i])
        rows.append(
            _user(
                config,
                rep_id(i),
                p.rep_names[i],
                emails[i],
                "rep",
                team_id(t),
                manager_id(t),
                REGIONS[p.team_region[t]],
                p.rep_hire_day[i],
                RAMP_MONTHS,
                left,
                max(events),
            )
        )
    for t in range(p.n_teams):
        rows.append(
            _user(
                config,
                manager_id(t),
                p.manager_names[t],
                emails[p.n_reps + t],
                "manager",
                team_id(t),
                EXEC_ID,
                REGIONS[p.team_region[t]],
                p.manager_hire_day[t],
                0,
                None,
                p.manager_hire_day[t],
            )
        )
    rows.append(
        _user(
            config,
            EXEC_ID,
            p.exec_name,
            emails[-1],
            "executive",
            None,
            None,
            None,
            p.exec_hire_day,
            0,
            None,
            p.exec_hire_day,
        )
    )
    return pa.Table.from_pylist(rows).cast(col.SCHEMAS["users"])


def _user(config, uid, name, email, role, team, manager, region, hire, ramp, left, updated):
    return {
        "user_id": uid,
        "full_name": f"{name[0]} {name[1]}",
        "email": email,
        "role": role,
        "team_id": team,
        "manager_id": manager,
        "region": region,
        "hire_date": _date(config, hire),
        "ramp_months": ramp,
        "left_date": None if left is None else _date(config, left),
        "updated_at": pa.scalar(_day_ts(config, updated), pa.int64()).cast(col.TS).as_py(),
    }


def team_memberships(world: World, config: DemoCrmConfig) -> pa.Table:
    """One row per (user, team) spell; valid_to exclusive, null while current."""
    p = world.people
    day = (config.extract_date - config.start_date).days
    spells: list[tuple[str, str, int, int]] = []
    for i in range(p.n_reps):
        hire, move, left = p.rep_hire_day[i], p.rep_move_day[i], p.rep_left_day[i]
        if move < NO_END:
            spells.append((rep_id(i), team_id(p.rep_team[i]), hire, move))
            spells.append((rep_id(i), team_id(p.rep_team_after[i]), move, left))
        else:
            spells.append((rep_id(i), team_id(p.rep_team[i]), hire, left))
    for t in range(p.n_teams):
        spells.append((manager_id(t), team_id(t), p.manager_hire_day[t], NO_END))
    rows = [
        {
            "user_id": u,
            "team_id": team,
            "valid_from": _date(config, start),
            "valid_to": _date(config, end) if end <= day else None,
        }
        for u, team, start, end in spells
        if start <= day
    ]
    return pa.Table.from_pylist(rows, schema=col.SCHEMAS["team_memberships"])


QUOTA_PLAN_QUARTERS_AHEAD = 1


def _quarter_key(day: date) -> int:
    """Calendar quarters counted from year 0 (2026Q4 -> 2026 * 4 + 3)."""
    return (day.year * 12 + day.month - 1) // 3


def quotas(world: World, config: DemoCrmConfig) -> pa.Table:
    """Monthly rep quotas (ramped) and quarterly team quotas (sum of members'), in USD."""
    p, tl = world.people, world.timeline
    day = (config.extract_date - config.start_date).days
    n_months = tl.n_months
    amount = np.round(p.ramp * world.quota_per_month[None, :], -3)  # (reps, months)
    amount[~p.rep_has_quota] = 0.0
    has = amount > 0
    months = [add_months(config.start_date, m) for m in range(n_months)]
    # Quotas are planned ahead: the extract shows the current and the next calendar quarter
    # (as a CRM does once the plan is entered), for reps hired by the extract date.
    plan_key = _quarter_key(config.extract_date) + QUOTA_PLAN_QUARTERS_AHEAD
    visible_months = np.array([_quarter_key(d) <= plan_key for d in months])
    has &= visible_months[None, :] & (p.rep_hire_day <= day)[:, None]
    rep_idx, month_idx = np.nonzero(has)
    month_labels = [f"{d:%Y-%m}" for d in months]
    rep_ids = rep_id(rep_idx).to_pylist()
    rep_rows = {
        "quota_id": [f"q-{r}-{month_labels[m]}" for r, m in zip(rep_ids, month_idx, strict=True)],
        "owner_type": ["rep"] * len(rep_idx),
        "owner_id": rep_ids,
        "period_type": ["month"] * len(rep_idx),
        "period_start": tl.month_epoch_day[month_idx],
        "amount": amount[rep_idx, month_idx],
    }
    # Team quarters: members' monthly quotas by the team they were in that month.
    mid = tl.month_start[:-1] + 14
    team_m = np.where(
        mid[None, :] >= p.rep_move_day[:, None], p.rep_team_after[:, None], p.rep_team[:, None]
    )
    # Calendar quarters (the first one may start before the horizon if it starts mid-quarter).
    quarter_key = np.array([_quarter_key(d) for d in months])
    quarter_of_month = quarter_key - quarter_key[0]
    n_quarters = int(quarter_of_month[-1]) + 1
    q_start = [
        date((k * 3) // 12, (k * 3) % 12 + 1, 1)
        for k in range(quarter_key[0], quarter_key[0] + n_quarters)
    ]
    team_q = np.zeros((p.n_teams, n_quarters))
    np.add.at(
        team_q,
        (team_m.ravel(), np.broadcast_to(quarter_of_month, team_m.shape).ravel()),
        np.where(p.rep_has_quota[:, None], amount, 0.0).ravel(),
    )
    q_visible = np.array([_quarter_key(d) <= plan_key for d in q_start])
    t_idx, q_idx = np.nonzero((team_q > 0) & q_visible[None, :])
    q_epoch = np.array([(d - EPOCH).days for d in q_start], dtype=np.int64)
    team_rows = {
        "quota_id": [
            f"q-{team_id(t)}-{q_start[q].year}Q{(q_start[q].month - 1) // 3 + 1}"
            for t, q in zip(t_idx, q_idx, strict=True)
        ],
        "owner_type": ["team"] * len(t_idx),
        "owner_id": [team_id(t) for t in t_idx],
        "period_type": ["quarter"] * len(t_idx),
        "period_start": q_epoch[q_idx],
        "amount": team_q[t_idx, q_idx],
    }
    parts = []
    for rows in (rep_rows, team_rows):
        n = len(rows["quota_id"])
        parts.append(
            col.table(
                "quotas",
                {
                    "quota_id": pa.array(rows["quota_id"], pa.string()),
                    "owner_type": pa.array(rows["owner_type"], pa.string()),
                    "owner_id": pa.array(rows["owner_id"], pa.string()),
                    "period_type": pa.array(rows["period_type"], pa.string()),
                    "period_start": col.dates(np.asarray(rows["period_start"], np.int64)),
                    "amount": col.floats(rows["amount"]),
                    "currency": pa.array(["USD"] * n, pa.string()),
                },
            )
        )
    return pa.concat_tables(parts)


def pipelines() -> pa.Table:
    return col.table(
        "pipelines",
        {
            "pipeline_id": pa.array([p.pipeline_id for p in PIPELINES]),
            "pipeline_name": pa.array([p.pipeline_name for p in PIPELINES]),
        },
    )


def pipeline_stages() -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "pipeline_id": s.pipeline_id,
                "stage_id": s.stage_id,
                "stage_name": s.stage_name,
                "stage_order": s.stage_order,
                "probability": s.probability,
                "is_closed": s.is_closed,
                "is_won": s.is_won,
            }
            for s in STAGES
        ],
        schema=col.SCHEMAS["pipeline_stages"],
    )


def spend(world: World, config: DemoCrmConfig) -> pa.Table:
    """Monthly spend, for months that ended on or before the extract date."""
    tl = world.timeline
    day = (config.extract_date - config.start_date).days
    months = np.flatnonzero(tl.month_start[1:] - 1 <= day)
    n = len(months)
    return col.table(
        "sales_marketing_spend",
        {
            "spend_month": col.dates(np.repeat(tl.month_epoch_day[months], 2)),
            "department": pa.array(["sales", "marketing"] * n, pa.string()),
            "amount": col.floats(world.spend[months].ravel()),
            "currency": pa.array(["USD"] * (2 * n), pa.string()),
        },
    )


def fx_rates(world: World, config: DemoCrmConfig) -> pa.Table:
    """Daily USD-per-unit rates for USD, EUR, GBP up to the extract date."""
    n_days = (config.extract_date - config.start_date).days + 1
    k = len(CURRENCIES)
    first = (config.start_date - EPOCH).days
    return col.table(
        "fx_rates",
        {
            "rate_date": col.dates(np.repeat(np.arange(first, first + n_days), k)),
            "currency": col.labels(CURRENCIES, np.tile(np.arange(k), n_days)),
            "usd_per_unit": col.floats(world.fx[:n_days].ravel()),
        },
    )
