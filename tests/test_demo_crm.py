"""Behaviour of the built-in demo CRM generator and its dlt source.

Small worlds keep this file fast; the planted truths are checked with DuckDB SQL over the
Arrow tables, the way the warehouse will see them.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow as pa
import pytest

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

from ingestion.demo_crm import (
    PRIMARY_KEYS,
    SCHEMAS,
    DemoCrmConfig,
    demo_crm_source,
    generate_tables,
    iter_chunks,
    truths,
)
from ingestion.demo_crm.block import BLOCK_DEALS
from ingestion.demo_crm.extract import BLOCK_TABLES, block_tables
from ingestion.demo_crm.source import changed_rows
from ingestion.demo_crm.world import _build_world, build_world

SIZE = 20_000
EARLY = date(2025, 6, 30)
Tables = dict[str, pa.Table]


def _con(tables: Tables) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    con.execute(
        "create view d as select * from deals "
        "qualify row_number() over (partition by deal_id order by updated_at desc) = 1"
    )
    return con


def _one(con: duckdb.DuckDBPyConnection, query: str):
    return con.execute(query).fetchone()


def _all(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple]:
    return con.execute(query).fetchall()


@pytest.fixture(scope="module")
def messy() -> Tables:
    return generate_tables(DemoCrmConfig(size=SIZE))


@pytest.fixture(scope="module")
def clean() -> Tables:
    return generate_tables(DemoCrmConfig(size=SIZE, mess_rate=0.0))


@pytest.fixture(scope="module")
def clean_early() -> Tables:
    return generate_tables(DemoCrmConfig(size=SIZE, mess_rate=0.0, as_of=EARLY))


@pytest.fixture(scope="module")
def messy_early() -> Tables:
    return generate_tables(DemoCrmConfig(size=SIZE, as_of=EARLY))


@pytest.fixture(scope="module")
def con(clean: Tables) -> duckdb.DuckDBPyConnection:
    return _con(clean)


# --- contract, determinism ---------------------------------------------------------------


def test_every_table_has_exactly_the_contract_schema(messy: Tables) -> None:
    assert list(messy) == list(SCHEMAS)
    for name, table in messy.items():
        assert table.schema.equals(SCHEMAS[name]), name
        assert table.num_rows > 0, name


def test_primary_keys_are_unique_except_the_deliberate_deal_versions(messy: Tables) -> None:
    c = _con(messy)
    for name, key in PRIMARY_KEYS.items():
        cols = ", ".join(key)
        dupes = _one(c, f"select count(*) - count(distinct ({cols})) from {name}")[0]
        assert (dupes > 0) == (name == "deals"), name


def test_same_config_gives_identical_tables() -> None:
    config = DemoCrmConfig(size=3_000, seed=5)
    first = generate_tables(config)
    _build_world.cache_clear()
    second = generate_tables(config)
    for name in SCHEMAS:
        assert first[name].equals(second[name]), name
    other = generate_tables(DemoCrmConfig(size=3_000, seed=6))
    assert not other["deals"].equals(first["deals"])


def test_chunking_does_not_change_the_rows() -> None:
    config = DemoCrmConfig(size=2 * BLOCK_DEALS + 5_000)
    one_block_chunks = generate_tables(config, chunk_deals=BLOCK_DEALS)
    single_chunk = generate_tables(config, chunk_deals=10 * BLOCK_DEALS)
    for name in SCHEMAS:
        assert one_block_chunks[name].equals(single_chunk[name]), name


@pytest.mark.parametrize("since", [None, datetime(2026, 11, 5, tzinfo=UTC)], ids=["full", "weekly"])
def test_building_blocks_in_threads_does_not_change_the_rows(since: datetime | None) -> None:
    """Blocks built by several threads come out in order and equal to one thread's."""
    config = DemoCrmConfig(size=4 * BLOCK_DEALS + 5_000, as_of=date(2026, 11, 15))

    def chunks(workers: int) -> list[Tables]:
        return list(iter_chunks(config, 2 * BLOCK_DEALS, since=since, workers=workers))

    world = build_world(config)
    blocks = [block_tables(world, world.block(b), config, since=since) for b in range(5)]
    expected = [blocks[0:2], blocks[2:4], blocks[4:5]]  # chunks of two blocks, in order
    for workers in (1, 3):
        got = chunks(workers)
        assert len(got) == len(expected), workers
        for chunk, parts in zip(got, expected, strict=True):
            for name in BLOCK_TABLES:
                assert chunk[name].equals(pa.concat_tables(p[name] for p in parts)), name


@pytest.mark.parametrize(
    "since",
    [
        datetime(2026, 11, 5, tzinfo=UTC),  # a weekly run's: the last cutoff less the lag
        datetime(2025, 3, 14, 15, 9, 26, tzinfo=UTC),  # mid-day: dates compare by day
        datetime(2020, 1, 1, tzinfo=UTC),  # before the horizon: every row
        datetime(2026, 11, 16, tzinfo=UTC),  # the cutoff: nothing visible is new
        None,  # exactly a stage entry's time: that entry is new (at or after)
    ],
    ids=["weekly", "mid-day", "everything", "nothing", "at-an-entry"],
)
def test_an_incremental_extract_has_exactly_the_rows_changed_since(since: datetime | None) -> None:
    """The generator selects the changed rows before building their strings; the rows must
    be those ``changed_rows`` selects from the whole extract (mess included: deal versions,
    late history, deletions)."""
    config = DemoCrmConfig(size=BLOCK_DEALS + 5_000, as_of=date(2026, 11, 15))
    world = build_world(config)
    if since is None:
        entries = block_tables(world, world.block(0), config)["deal_stage_history"]
        since = entries.column("entered_at")[entries.num_rows // 2].as_py()
    counts = {}
    for b in range(len(world.layout)):
        block = world.block(b)
        whole = block_tables(world, block, config)
        changed = block_tables(world, block, config, since=since)
        for name in BLOCK_TABLES:
            expected = changed_rows(name, whole[name], since)
            assert changed[name].equals(expected), (name, b)
            counts[name] = counts.get(name, 0) + changed[name].num_rows
    if since.year == 2020:
        assert all(counts.values())
    elif since.month == 11 and since.day == 16:
        assert not any(counts.values())
    else:
        assert counts["deals"] and counts["activities"] and counts["deal_stage_history"]


def test_default_extract_is_the_last_day_of_the_horizon() -> None:
    config = DemoCrmConfig()
    assert config.extract_date == date(2027, 12, 31)
    assert config.cutoff.isoformat() == "2028-01-01T00:00:00+00:00"
    with pytest.raises(ValueError):
        DemoCrmConfig(as_of=date(2028, 1, 1))


# --- as-of extraction ----------------------------------------------------------------------

EVENT_TABLES = {
    "deal_stage_history": ("entered_at", ("deal_id", "stage_id", "entered_at")),
    "activities": ("occurred_at", ("activity_id",)),
    "email_events": ("occurred_at", ("email_event_id",)),
    "csat_surveys": ("responded_at", ("survey_id",)),
    "leads": ("created_at", ("lead_id",)),
    "accounts": ("created_at", ("account_id",)),
    "contacts": ("created_at", ("contact_id",)),
    "deals": ("created_at", ("deal_id",)),
}


def test_an_earlier_extract_is_a_prefix_of_a_later_one(clean: Tables, clean_early: Tables) -> None:
    c = _con(clean)
    e = _con(clean_early)
    cutoff = f"timestamptz '{EARLY + timedelta(days=1)} 00:00:00+00'"
    for name, (ts, key) in EVENT_TABLES.items():
        cols = ", ".join(key)
        later = set(_all(c, f"select distinct {cols} from {name} where {ts} < {cutoff}"))
        early = set(_all(e, f"select distinct {cols} from {name}"))
        assert early == later, name
        assert len(early) < len(set(_all(c, f"select distinct {cols} from {name}"))), name
    for name, day in (("fx_rates", "rate_date"), ("subscriptions", "start_date")):
        later = _one(c, f"select count(*) from {name} where {day} <= date '{EARLY}'")[0]
        assert _one(e, f"select count(*) from {name}")[0] == later, name
    ended = _one(c, f"select count(*) from subscriptions where end_date <= date '{EARLY}'")[0]
    assert _one(e, "select count(end_date) from subscriptions")[0] == ended


def test_deal_state_is_rolled_back_to_its_last_entry_before_the_cutoff(
    clean: Tables, clean_early: Tables
) -> None:
    c = _con(clean)
    cutoff = f"timestamptz '{EARLY + timedelta(days=1)} 00:00:00+00'"
    expected = _all(
        c,
        f"""select deal_id, arg_max(stage_id, entered_at), max(entered_at)
        from deal_stage_history where entered_at < {cutoff} group by 1 order by 1""",
    )
    e = _con(clean_early)
    got = _all(e, "select deal_id, stage_id, updated_at from deals order by 1")
    assert got == expected
    bad = _one(
        e,
        """select count(*) from deals join pipeline_stages using (pipeline_id, stage_id)
        where deals.is_closed <> pipeline_stages.is_closed
           or deals.is_won <> pipeline_stages.is_won
           or deals.probability <> pipeline_stages.probability
           or (deals.closed_at is null) = deals.is_closed
           or (deals.loss_reason is not null) <> (deals.is_closed and not deals.is_won)""",
    )[0]
    assert bad == 0
    # Leads converted after the cutoff are still open, subscriptions ending later are open.
    assert (
        _one(e, "select count(*) from leads where status = 'open'")[0]
        > _one(c, f"select count(*) from leads where status = 'open' and created_at < {cutoff}")[0]
    )


def test_late_arriving_history_is_the_only_exception_to_the_prefix(
    messy: Tables, messy_early: Tables
) -> None:
    c = _con(messy)
    e = _con(messy_early)
    cutoff = EARLY + timedelta(days=1)
    later = set(
        _all(
            c,
            f"select deal_id, stage_id, entered_at from deal_stage_history "
            f"where entered_at < timestamptz '{cutoff} 00:00:00+00'",
        )
    )
    early = set(_all(e, "select deal_id, stage_id, entered_at from deal_stage_history"))
    assert early < later
    missing = later - early
    assert 0 < len(missing) < 0.01 * len(later)
    oldest = min(row[2] for row in missing)
    assert oldest.date() >= cutoff - timedelta(days=10)


# --- referential integrity and shape --------------------------------------------------------


def test_every_reference_points_at_an_existing_row(con: duckdb.DuckDBPyConnection) -> None:
    orphans = {
        "deal owner": "select owner_id from deals except select user_id from users "
        "where role = 'rep'",
        "deal account": "select account_id from deals except select account_id from accounts",
        "deal lead": "select lead_id from deals where lead_id is not null "
        "except select lead_id from leads",
        "history deal": "select deal_id from deal_stage_history except select deal_id from deals",
        "activity deal": "select deal_id from activities where deal_id is not null "
        "except select deal_id from deals",
        "activity owner": "select owner_id from activities except select user_id from users",
        "email activity": "select activity_id from email_events "
        "except select activity_id from activities where activity_type = 'email'",
        "contact account": "select account_id from contacts except select account_id from accounts",
        "subscription account": "select account_id from subscriptions "
        "except select account_id from accounts",
        "survey deal": "select deal_id from csat_surveys except select deal_id from d where is_won",
        "lead deal": "select converted_deal_id from leads where converted_deal_id is not null "
        "except select deal_id from deals",
        "user team": "select team_id from users where team_id is not null "
        "except select team_id from teams",
        "user manager": "select manager_id from users where manager_id is not null "
        "except select user_id from users",
        "quota owner": "select owner_id from quotas except "
        "(select user_id from users union all select team_id from teams)",
    }
    for what, query in orphans.items():
        assert _all(con, query) == [], what


def test_converted_leads_open_their_deal_at_conversion(con: duckdb.DuckDBPyConnection) -> None:
    mismatched = _one(
        con,
        """select count(*) from leads l join d on d.deal_id = l.converted_deal_id
        where d.lead_id <> l.lead_id or d.created_at <> l.converted_at
           or d.account_id <> l.account_id or l.created_at >= l.converted_at""",
    )[0]
    assert mismatched == 0
    share = _one(con, "select avg((status = 'converted')::int) from leads")[0]
    assert 0.5 < share < 0.7
    ratio = _one(con, "select (select count(*) from leads) / (select count(*) from d)")[0]
    assert ratio == pytest.approx(1.5, abs=0.01)


def test_activities_and_email_events_follow_their_deal(con: duckdb.DuckDBPyConnection) -> None:
    outside = _one(
        con,
        """select count(*) from activities a join d using (deal_id)
        where a.occurred_at < d.created_at or a.occurred_at > coalesce(d.closed_at, a.occurred_at)
           or a.owner_id <> d.owner_id""",
    )[0]
    assert outside == 0
    per_deal = _one(con, "select count(deal_id) / count(distinct deal_id) from activities")[0]
    assert 8 < per_deal < 12
    assert _one(con, "select avg((deal_id is null)::int) from activities")[0] > 0.03
    funnel = dict(_all(con, "select event_type, count(*) from email_events group by 1"))
    assert 0.92 < funnel["delivered"] / funnel["sent"] < 0.98
    assert 0.35 < funnel["opened"] / funnel["delivered"] < 0.45
    disorder = _one(
        con,
        """select count(*) from email_events o join email_events s using (activity_id)
        where s.event_type = 'sent' and o.event_type <> 'sent'
          and o.occurred_at <= s.occurred_at""",
    )[0]
    assert disorder == 0


def test_the_organisation_has_reps_managers_and_one_executive(
    con: duckdb.DuckDBPyConnection,
) -> None:
    roles = dict(_all(con, "select role, count(*) from users group by 1"))
    assert roles["executive"] == 1
    assert roles["manager"] == _one(con, "select count(*) from teams")[0]
    assert roles["rep"] == SIZE // 400
    chain = _all(
        con,
        """select distinct m.role, e.role from users r join users m on r.manager_id = m.user_id
        join users e on m.manager_id = e.user_id where r.role = 'rep'""",
    )
    assert chain == [("manager", "executive")]
    regions = {r for (r,) in _all(con, "select distinct region from teams")}
    assert regions == {"NA", "EMEA", "APAC", "LATAM"}
    movers = _one(
        con,
        "select count(*) from (select user_id from team_memberships "
        "group by 1 having count(*) > 1)",
    )[0]
    assert movers >= 2
    assert _one(con, "select count(left_date) from users")[0] >= 1
    without_quota = _one(
        con,
        """select count(*) from users where role = 'rep' and user_id not in
        (select owner_id from quotas where owner_type = 'rep')""",
    )[0]
    assert without_quota == 2


def test_deals_look_like_a_b2b_pipeline(con: duckdb.DuckDBPyConnection) -> None:
    win_rate = _one(con, "select avg(is_won::int) from d where is_closed")[0]
    assert 0.25 < win_rate < 0.35
    nb_share = _one(con, "select avg((pipeline_id = 'new_business')::int) from d")[0]
    assert nb_share == pytest.approx(0.8, abs=0.01)
    assert _one(con, "select count(*) from d where not is_closed")[0] > 100
    medians = dict(
        _all(
            con,
            "select segment, median(amount) from d join accounts using (account_id) "
            "where pipeline_id = 'new_business' group by 1",
        )
    )
    assert 5_000 < medians["SMB"] < 20_000
    assert 20_000 < medians["Mid-Market"] < 80_000
    assert 80_000 < medians["Enterprise"] < 400_000


def test_stage_history_has_regressions_skips_and_reopens(con: duckdb.DuckDBPyConnection) -> None:
    shares = _one(
        con,
        """with h as (
            select h.deal_id, s.stage_order, s.is_closed, s.is_won,
                   lag(s.stage_order) over w as prev_order,
                   lag(s.is_closed) over w as prev_closed
            from deal_stage_history h join pipeline_stages s using (stage_id)
            window w as (partition by h.deal_id order by h.entered_at)),
        per_deal as (
            select deal_id,
                bool_or(not is_closed and not prev_closed and stage_order < prev_order) regressed,
                bool_or(not prev_closed and (stage_order > prev_order + 1)
                        and not (is_closed and not is_won)) skipped,
                bool_or(prev_closed and not is_closed) reopened
            from h group by 1)
        select avg(regressed::int), avg(skipped::int), avg(reopened::int) from per_deal""",
    )
    regressed, skipped, reopened = shares
    assert 0.03 < regressed < 0.07
    assert 0.06 < skipped < 0.14
    assert 0.005 < reopened < 0.02
    last_is_close = _one(
        con,
        """select count(*) from d where is_closed and closed_at <>
        (select max(entered_at) from deal_stage_history h where h.deal_id = d.deal_id)""",
    )[0]
    assert last_is_close == 0


# --- planted truths --------------------------------------------------------------------------


def test_truth_proposal_is_the_bottleneck(con: duckdb.DuckDBPyConnection) -> None:
    dwell = dict(
        _all(
            con,
            """with h as (select stage_id, entered_at,
                lead(entered_at) over (partition by deal_id order by entered_at) as next_at
                from deal_stage_history)
            select stage_id, median(epoch(next_at - entered_at) / 86400) from h
            where next_at is not null and stage_id like 'nb_%' and stage_id not like 'nb_closed%'
            group by 1""",
        )
    )
    bottleneck = dwell.pop(truths.BOTTLENECK_STAGE_ID)
    others = sorted(dwell.values())
    ratio = bottleneck / others[len(others) // 2]
    assert ratio == pytest.approx(truths.BOTTLENECK_DWELL_RATIO, rel=0.2)
    drop = dict(
        _all(
            con,
            """with reached as (select distinct h.deal_id, s.stage_id, s.stage_order
                from deal_stage_history h join pipeline_stages s using (stage_id)
                where s.pipeline_id = 'new_business' and not s.is_closed),
            furthest as (select deal_id, max(stage_order) as top from reached group by 1)
            select r.stage_id,
                avg((r.stage_order = f.top and d.is_closed and not d.is_won)::int)
            from reached r join furthest f using (deal_id) join d using (deal_id)
            group by 1""",
        )
    )
    worst = max(drop, key=drop.get)
    assert worst == truths.BOTTLENECK_STAGE_ID
    assert drop[worst] == pytest.approx(truths.BOTTLENECK_DROP_OFF, abs=0.05)


REP_STATS = """
with acts as (select deal_id, count(*) as n from activities where deal_id is not null group by 1)
select owner_id, count(*) as deals, avg(coalesce(n, 0)) as acts_per_deal,
       avg(case when is_closed then is_won::int end) as win_rate
from d left join acts using (deal_id) group by 1
"""


def _peer_median(rows: list[tuple], col: int, exclude: set[str]) -> float:
    values = sorted(r[col] for r in rows if r[0] not in exclude)
    return values[len(values) // 2]


def test_truth_low_activity_rep(con: duckdb.DuckDBPyConnection) -> None:
    rows = _all(con, REP_STATS)
    planted = {truths.LOW_ACTIVITY_REP_ID, truths.LOW_WIN_RATE_REP_ID}
    rep = next(r for r in rows if r[0] == truths.LOW_ACTIVITY_REP_ID)
    acts_ratio = rep[2] / _peer_median(rows, 2, planted)
    assert acts_ratio == pytest.approx(truths.LOW_ACTIVITY_ACTIVITY_FACTOR, abs=0.08)
    assert rep[1] < 0.75 * _peer_median(rows, 1, planted)
    assert min(r[2] for r in rows) == rep[2]


def test_truth_low_win_rate_rep_loses_to_one_competitor(con: duckdb.DuckDBPyConnection) -> None:
    rows = _all(con, REP_STATS)
    planted = {truths.LOW_ACTIVITY_REP_ID, truths.LOW_WIN_RATE_REP_ID}
    rep = next(r for r in rows if r[0] == truths.LOW_WIN_RATE_REP_ID)
    ratio = rep[3] / _peer_median(rows, 3, planted)
    assert ratio == pytest.approx(truths.LOW_WIN_RATE_FACTOR, abs=0.15)
    assert min(r[3] for r in rows) == rep[3]
    losses = _all(
        con,
        f"""select competitor, count(*) from d where owner_id = '{truths.LOW_WIN_RATE_REP_ID}'
        and is_closed and not is_won and competitor is not null group by 1 order by 2 desc""",
    )
    assert losses[0][0] == truths.LOW_WIN_RATE_COMPETITOR
    assert losses[0][1] / sum(n for _, n in losses) > 0.75


def test_truth_underperformers_have_quotas_and_low_attainment(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = _all(
        con,
        """with booked as (
            select owner_id, date_trunc('month', closed_at)::date as m,
                   sum(amount * usd_per_unit) as usd
            from d join fx_rates on rate_date = closed_at::date and fx_rates.currency = d.currency
            where is_won group by all),
        q as (select quotas.owner_id, year(period_start) as y, sum(amount) as quota,
                     sum(coalesce(usd, 0)) as usd
              from quotas left join booked on booked.owner_id = quotas.owner_id
                   and booked.m = quotas.period_start
              where owner_type = 'rep' and year(period_start) >= 2025 group by all)
        select owner_id, y, usd, quota from q""",
    )
    planted = {truths.LOW_ACTIVITY_REP_ID, truths.LOW_WIN_RATE_REP_ID}
    peers = sorted(usd / quota for rep, _, usd, quota in rows if rep not in planted)
    assert 0.8 < peers[len(peers) // 2] < 1.05  # healthy median rep-year attainment
    pooled: dict[str, list[float]] = {}
    for rep, _, usd, quota in rows:
        pooled.setdefault(rep, [0.0, 0.0])
        pooled[rep][0] += usd
        pooled[rep][1] += quota
    attainment = {rep: usd / quota for rep, (usd, quota) in pooled.items()}
    peer_pooled = sorted(a for rep, a in attainment.items() if rep not in planted)
    for rep in planted:
        assert attainment[rep] < 0.75 * peer_pooled[len(peer_pooled) // 2], rep
    ramped = _one(
        con,
        f"""select count(*) from users where user_id in {tuple(planted)}
        and hire_date <= date '2023-10-01' and left_date is null""",
    )[0]
    assert ramped == 2


def test_truth_fast_closed_customers_churn_more(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(
        _all(
            con,
            f"""with first_won as (
                select account_id, arg_min(epoch(closed_at - created_at) / 86400, closed_at) cycle
                from d where is_won and pipeline_id = 'new_business' group by 1),
            subs as (select account_id, start_date, end_date from subscriptions),
            churn as (select s.account_id, min(s.end_date) as churned_on from subs s
                where s.end_date is not null and not exists (
                    select 1 from subs o where o.account_id = s.account_id
                    and o.start_date <= s.end_date
                    and coalesce(o.end_date, date '9999-01-01') > s.end_date)
                group by 1),
            life as (select account_id, min(start_date) as since from subs group by 1)
            select cycle < {truths.FAST_CLOSE_DAYS} as fast,
                count(churned_on) / sum(datediff('day', since,
                    coalesce(churned_on, date '2028-01-01')) / 30.4375) as hazard
            from first_won join life using (account_id) left join churn using (account_id)
            group by 1""",
        )
    )
    assert rows[False] == pytest.approx(truths.BASE_MONTHLY_CHURN_HAZARD, rel=0.25)
    ratio = rows[True] / rows[False]
    assert ratio == pytest.approx(truths.FAST_CLOSE_CHURN_HAZARD_RATIO, rel=0.25)


def test_truth_bookings_spike_at_quarter_end(con: duckdb.DuckDBPyConnection) -> None:
    share = _one(
        con,
        f"""select avg((closed_at::date >= date_trunc('quarter', closed_at) + interval 3 month
                - interval {truths.QUARTER_END_WINDOW_DAYS} day)::int) from d where is_won""",
    )[0]
    low, high = truths.QUARTER_END_WON_SHARE
    assert low < share < high


def test_truth_emea_sells_in_several_currencies(con: duckdb.DuckDBPyConnection) -> None:
    rows = _all(
        con,
        "select region, list(distinct d.currency order by d.currency) "
        "from d join accounts using (account_id) group by 1",
    )
    currencies = {region: tuple(c) for region, c in rows}
    assert currencies.pop(truths.MULTI_CURRENCY_REGION) == tuple(
        sorted(truths.MULTI_CURRENCY_CURRENCIES)
    )
    assert set(currencies.values()) == {("USD",)}


def test_every_mrr_movement_type_occurs(con: duckdb.DuckDBPyConnection) -> None:
    moves = dict(
        _all(
            con,
            """with months as (select unnest(generate_series(date '2024-01-01',
                    date '2027-12-01', interval 1 month))::date as m),
            accounts_ as (select distinct account_id from subscriptions),
            mrr as (select a.account_id, m, round(coalesce(sum(s.mrr), 0), 2) as mrr
                from accounts_ a cross join months
                left join subscriptions s on s.account_id = a.account_id
                  and s.start_date <= last_day(m)
                  and coalesce(s.end_date, date '9999-01-01') > last_day(m)
                group by all),
            lagged as (select *, lag(mrr, 1, 0) over w as prev,
                coalesce(max(mrr) over (w rows between unbounded preceding and 1 preceding), 0)
                    as ever
                from mrr window w as (partition by account_id order by m))
            select case when prev = 0 and mrr > 0 and ever = 0 then 'new'
                        when prev = 0 and mrr > 0 then 'reactivation'
                        when prev > 0 and mrr = 0 then 'churn'
                        when mrr > prev then 'expansion'
                        when mrr < prev then 'contraction' end as movement, count(*)
            from lagged group by 1""",
        )
    )
    for movement in ("new", "expansion", "contraction", "churn", "reactivation"):
        assert moves.get(movement, 0) >= 5, movement


def test_quotas_ramp_and_fx_covers_every_day(con: duckdb.DuckDBPyConnection) -> None:
    ramping = _all(
        con,
        """with q as (select q.owner_id, q.amount,
                row_number() over (partition by q.owner_id order by period_start) as k
            from quotas q join users u on u.user_id = q.owner_id
            where u.hire_date > date '2025-01-01' and u.role = 'rep')
        select owner_id, any_value(amount) filter (k = 1), any_value(amount) filter (k = 6)
        from q group by 1 having count(*) >= 6""",
    )
    assert ramping and all(first < later for _, first, later in ramping)
    days = _one(con, "select count(distinct rate_date), count(*) from fx_rates")
    assert days == (1461, 3 * 1461)
    levels = dict(_all(con, "select currency, avg(usd_per_unit) from fx_rates group by 1"))
    assert levels["USD"] == 1.0
    assert levels["EUR"] == pytest.approx(1.08, abs=0.08)
    assert levels["GBP"] == pytest.approx(1.27, abs=0.08)


# --- mess ----------------------------------------------------------------------------------


def _binomial_ok(count: int, n: int, p: float) -> bool:
    mean = n * p
    return abs(count - mean) <= 4 * (mean * (1 - p)) ** 0.5 + 2


def test_mess_is_present_at_the_configured_rate(messy: Tables, clean: Tables) -> None:
    rate = DemoCrmConfig().mess_rate
    m, c = _con(messy), _con(clean)
    eligible = _one(
        c,
        "select count(*) from (select deal_id from deal_stage_history group by 1 "
        "having count(*) >= 2)",
    )[0]
    dupes = _one(m, "select count(*) - count(distinct deal_id) from deals")[0]
    assert _binomial_ok(dupes, eligible, rate)
    stale_first = _one(
        m,
        """select count(*) from (select deal_id, updated_at,
            row_number() over (partition by deal_id) as pos,
            max(updated_at) over (partition by deal_id) as newest
        from (select *, row_number() over () as rn from deals)
        qualify count(*) over (partition by deal_id) = 2) where pos = 1 and updated_at < newest""",
    )[0]
    assert 0 < stale_first < dupes
    open_deals = _one(c, "select count(*) from deals where not is_closed")[0]
    null_account = _one(m, "select count(*) from d where account_id is null")[0]
    assert _binomial_ok(null_account, open_deals, rate)
    assert _one(m, "select count(*) from d where account_id is null and is_closed")[0] == 0
    lost = _one(c, "select count(*) from deals where is_closed and not is_won")[0]
    null_reason = _one(
        m, "select count(*) from d where is_closed and not is_won and loss_reason is null"
    )[0]
    assert _binomial_ok(null_reason, lost, rate)
    first_stage = _one(
        c, "select count(*) from deals where stage_id in ('nb_prospecting', 'ex_discovery')"
    )[0]
    null_amount = _all(m, "select distinct stage_id from deals where amount is null")
    assert set(null_amount) <= {("nb_prospecting",), ("ex_discovery",)}
    n_null_amount = _one(m, "select count(*) from d where amount is null")[0]
    assert _binomial_ok(n_null_amount, first_stage, 10 * rate)
    timed = _one(c, "select count(*) from activities where activity_type <> 'email'")[0]
    null_duration = _one(
        m,
        "select count(*) from activities where activity_type <> 'email' "
        "and duration_minutes is null",
    )[0]
    assert _binomial_ok(null_duration, timed, rate)
    closed = _one(c, "select count(*) from deals where is_closed")[0]
    deleted = _one(m, "select count(*) from d where is_deleted")[0]
    assert 0.6 * rate * closed < deleted < 1.2 * rate * closed
    kept = _one(m, "select count(*) from activities join d using (deal_id) where d.is_deleted")[0]
    assert kept > 0


def test_zero_mess_rate_gives_clean_data(con: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "duplicates": "select count(*) - count(distinct deal_id) from deals",
        "deleted": "select count(*) from deals where is_deleted",
        "null amount": "select count(*) from deals where amount is null",
        "null account": "select count(*) from deals where account_id is null",
        "null reason": "select count(*) from deals where is_closed and not is_won "
        "and loss_reason is null",
        "null duration": "select count(*) from activities where activity_type <> 'email' "
        "and duration_minutes is null",
        "history gaps": "select count(*) from deals where updated_at not in "
        "(select entered_at from deal_stage_history h where h.deal_id = deals.deal_id)",
    }
    for what, query in checks.items():
        assert _one(con, query)[0] == 0, what


# --- dlt ---------------------------------------------------------------------------------


def test_dlt_load_lands_all_tables_with_their_row_counts(tmp_path) -> None:
    import dlt

    config = DemoCrmConfig(size=BLOCK_DEALS + 1_000)  # two blocks, loaded in two chunks
    expected = {name: t.num_rows for name, t in generate_tables(config).items()}
    db = tmp_path / "demo.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="demo_crm_test",
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name="raw_demo_crm",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    pipeline.run(demo_crm_source(config, chunk_deals=BLOCK_DEALS))
    with duckdb.connect(str(db)) as landed:
        for name, rows in expected.items():
            got = landed.execute(f"select count(*) from raw_demo_crm.{name}").fetchone()[0]
            assert got == rows, name
        versions = landed.execute(
            "select count(*) - count(distinct deal_id) from raw_demo_crm.deals"
        ).fetchone()[0]
    assert versions == expected["deals"] - len(
        set(generate_tables(config)["deals"].column("deal_id").to_pylist())
    )


def test_source_holds_the_next_chunk_back_until_the_previous_is_released() -> None:
    from ingestion.demo_crm.source import paced_chunks

    chunks = paced_chunks(iter([{"n": 1}, {"n": 2}]))
    first = next(chunks)
    assert first == {"n": 1}
    assert next(chunks) is None  # dlt asks again later
    del first
    assert next(chunks) == {"n": 2}


def test_fixed_width_take_equals_arrows_take() -> None:
    """columns.take gathers fixed-width ids in numpy; the values equal Arrow's take, with
    nulls where asked, and anything else (variable width, bad index) goes to Arrow."""
    import numpy as np
    import pyarrow.compute as pc

    from ingestion.demo_crm import columns as col

    ids = col.ids("deal-", np.arange(1, 1001), 9)
    index = np.random.default_rng(7).integers(0, 1000, 5000)
    null = index % 7 == 0
    expected = pc.take(ids, pa.array(index, mask=null))
    assert col.take(ids, index, null).equals(expected)
    assert col.take(ids, index).equals(pc.take(ids, pa.array(index)))
    assert col.take(ids.slice(10, 20), np.array([0, 19])).to_pylist() == [
        "deal-000000011",
        "deal-000000030",
    ]
    names = pa.array(["a", "bb", None])
    assert col.take(names, np.array([1, 0, 2])).to_pylist() == ["bb", "a", None]
    with pytest.raises(IndexError):
        col.take(ids, np.array([1000]))
