-- The floor: the core SalesPulse marts computed by one plain DuckDB script from the demo
-- CRM's raw tables written as Parquet, with the marts' semantics (dbt_project/models) but
-- none of the machinery: no staging views, no quarantine, no tests, no periods other than
-- the one each output needs. Reporting zone UTC, reporting currency USD.
-- Placeholders (Python str.format): {data} Parquet folder, {as_of} the as-of date,
-- {cutoff} the end of the as-of day (UTC), {history_start} the first reporting day.
set TimeZone = 'UTC';

-- The canonical deal (int_deals): the latest version of each live deal created by the cutoff.
create or replace temp table floor_deals as
select deal_id, owner_id, lead_id, currency, amount, created_at,
    is_closed, is_won, closed_at, updated_at
from (
    select *, row_number() over (partition by deal_id order by updated_at desc) as version_rank
    from read_parquet('{data}/deals.parquet')
    where deal_id is not null
)
where version_rank = 1
  and not coalesce(is_deleted, false)
  and created_at < timestamp '{cutoff}';

-- Stage visits (int_stage_visits): each stage entry before the cutoff, left at the deal's next
-- entry (lead() over entered_at per deal), or still open at the cutoff.
create or replace temp table floor_visits as
with history as (
    select distinct deal_id, stage_id, cast(entered_at as timestamp) as entered_at
    from read_parquet('{data}/deal_stage_history.parquet')
    where entered_at < timestamp '{cutoff}'
),
ordered as (
    select history.deal_id, stages.pipeline_id, history.stage_id, stages.stage_order,
        stages.is_closed as is_closed_stage, stages.is_won as is_won_stage, history.entered_at,
        row_number() over (
            partition by history.deal_id
            order by history.entered_at, stages.stage_order, history.stage_id
        ) as visit_number
    from history
    join read_parquet('{data}/pipeline_stages.parquet') as stages using (stage_id)
)
select *, lead(entered_at) over (partition by deal_id order by visit_number) as exited_at
from ordered;

-- Stage durations (marts.stage_durations): visits of live deals to open stages, measured
-- in whole seconds to the next entry or to the cutoff.
create or replace table floor_stage_durations as
with durations as (
    select visits.pipeline_id, visits.stage_id, visits.exited_at is null as is_open_visit,
        date_diff('second', visits.entered_at,
            coalesce(visits.exited_at, timestamp '{cutoff}')) as duration_seconds
    from floor_visits as visits
    semi join floor_deals as deals on visits.deal_id = deals.deal_id
    where not visits.is_closed_stage
)
select pipeline_id, stage_id,
    count(*) as visits,
    count(*) filter (where is_open_visit) as open_visits,
    sum(duration_seconds) / (count(duration_seconds) * 86400) as avg_days,
    quantile_cont(duration_seconds / 86400.0, 0.5) as median_days,
    quantile_cont(duration_seconds / 86400.0, 0.9) as p90_days
from durations
group by pipeline_id, stage_id;

-- Rep performance by month (marts.rep_performance, period_type 'month'): a deal's status
-- and close time as of the cutoff come from its last stage entry (the extract's own only
-- without history); bookings convert to USD at the close date's rate (latest rate on or
-- before that day), rounded to the cent per deal; the cycle runs from first contact (the
-- lead's creation, when earlier) to the close.
create or replace table floor_rep_performance_monthly as
with last_visit as (
    -- the deal's last entry is the one nothing follows
    select deal_id, is_closed_stage, is_won_stage, entered_at
    from floor_visits
    where exited_at is null
),
closed as (
    select deals.deal_id, deals.owner_id, deals.currency,
        cast(round(deals.amount, 2) as decimal(18, 2)) as amount_local,
        case
            when last_visit.deal_id is not null then
                case when last_visit.is_won_stage then 'won'
                     when last_visit.is_closed_stage then 'lost' end
            when deals.updated_at < timestamp '{cutoff}' then
                case when deals.is_won then 'won' when deals.is_closed then 'lost' end
        end as deal_status,
        case
            when last_visit.deal_id is not null then last_visit.entered_at
            else cast(deals.closed_at as timestamp)
        end as closed_at,
        least(cast(deals.created_at as timestamp),
            coalesce(cast(leads.created_at as timestamp), cast(deals.created_at as timestamp)))
            as first_contact_at
    from floor_deals as deals
    left join last_visit using (deal_id)
    left join read_parquet('{data}/leads.parquet') as leads using (lead_id)
),
fx as (
    select currency, rate_date, usd_per_unit
    from read_parquet('{data}/fx_rates.parquet')
    where rate_date <= date '{as_of}'
),
converted as (
    select closed.*, cast(closed.closed_at as date) as closed_date,
        cast(round(closed.amount_local * cast(fx.usd_per_unit as decimal(28, 10)), 2)
            as decimal(18, 2)) as amount
    from closed
    asof left join fx
        on closed.currency = fx.currency
        and cast(closed.closed_at as date) >= fx.rate_date
    where closed.deal_status in ('won', 'lost')
)
select owner_id as user_id,
    cast(date_trunc('month', closed_date) as date) as period_start,
    count(*) filter (where deal_status = 'won') as deals_won,
    count(*) filter (where deal_status = 'lost') as deals_lost,
    coalesce(sum(amount) filter (where deal_status = 'won'), 0) as bookings,
    count(*) filter (where deal_status = 'won') / count(*) as win_rate,
    sum(date_diff('second', first_contact_at, closed_at)) filter (where deal_status = 'won')
        / nullif(count(*) filter (where deal_status = 'won') * 86400, 0) as avg_cycle_days
from converted
group by all;

-- Weekly activity counts per rep and type (marts.activity_weekly's counts).
create or replace table floor_activity_weekly as
select owner_id as user_id,
    cast(date_trunc('week', cast(occurred_at as date)) as date) as week_start,
    activity_type,
    count(*) as activities
from read_parquet('{data}/activities.parquet')
where occurred_at < timestamp '{cutoff}'
group by all;

-- Monthly logo churn (marts.customer_churn_monthly): a customer is an account with MRR > 0;
-- it churned in a month when it had MRR at the month's start and none at its end (the day
-- after the as-of date for the current month). Subscriptions ending after the as-of date
-- are active; end dates are exclusive.
create or replace table floor_customer_churn_monthly as
with months as (
    select cast(month_start as date) as month_start,
        least(cast(month_start + interval 1 month as date), date '{as_of}' + 1) as measured_to
    from range(date_trunc('month', date '{history_start}'), date '{as_of}' + 1,
        interval 1 month) as t(month_start)
),
points as (
    select month_start as measured_on from months
    union
    select measured_to from months
),
subscriptions as (
    select account_id, mrr, start_date,
        case when end_date <= date '{as_of}' then end_date end as end_date
    from read_parquet('{data}/subscriptions.parquet')
    where start_date <= date '{as_of}'
),
paying as (
    select subscriptions.account_id, points.measured_on
    from subscriptions
    join points
        on subscriptions.start_date <= points.measured_on
        and (subscriptions.end_date is null or subscriptions.end_date > points.measured_on)
    group by all
    having sum(subscriptions.mrr) > 0
)
select months.month_start,
    count(*) as customers_at_start,
    count(*) filter (where closing.account_id is null) as customers_churned,
    count(*) filter (where closing.account_id is null) / count(*) as logo_churn_rate
from months
join paying as opening on opening.measured_on = months.month_start
left join paying as closing
    on closing.account_id = opening.account_id and closing.measured_on = months.measured_to
group by all;
