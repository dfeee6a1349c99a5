{#
    One row per rep and period (ISO week, month, fiscal quarter, fiscal year) in which the
    rep was employed, to the period containing the as-of date: outcomes against quota,
    effectiveness, pipeline, activity, generation, and underperformer flags with reasons.
    Deals count for their owner; a rep with nothing in a period still has a row of zeros.
#}

with

rep_periods as (

    select * from {{ ref('int_rep_periods') }}

),

-- the deal columns used below only: DuckDB materializes a CTE read several times, and at
-- 1M deals copying every column of int_deals cost 0.5 s of the model's 5 s
deals as (

    select
        deal_id,
        owner_id,
        deal_status,
        amount,
        created_date,
        closed_date,
        closed_at,
        expected_close_date,
        sales_cycle_seconds,
        sales_cycle_days

    from {{ ref('int_deals') }}

),

-- outcomes: deals closed in the period -------------------------------------------------

closed_deals as (

    select
        owner_id,
        closed_date,
        deal_status,
        amount,
        sales_cycle_seconds,
        sales_cycle_days
    from deals
    where deal_status in ('won', 'lost')

),

closed_by_period as (

    {{ salespulse.by_period('closed_deals', 'closed_date') }}

),

outcomes as (

    select
        owner_id as user_id,
        period_type,
        period_start,
        sum(case when deal_status = 'won' then 1 else 0 end) as deals_won,
        sum(case when deal_status = 'lost' then 1 else 0 end) as deals_lost,
        sum(case when deal_status = 'won' then amount end) as bookings,
        sum(case when deal_status = 'won' and amount is not null then 1 else 0 end) as won_deals_with_amount,
        sum(case when deal_status = 'lost' then amount end) as lost_amount,
        sum(case when deal_status = 'won' then sales_cycle_seconds end) as won_cycle_seconds,
        {{ salespulse.median("case when deal_status = 'won' then sales_cycle_days end") }} as median_cycle_days

    from closed_by_period
    group by owner_id, period_type, period_start

),

-- generation: opportunities created and leads received in the period -------------------

created_deals as (

    select owner_id as user_id, created_date, 1 as opportunities_created from deals

),

opportunities as (

    {{ salespulse.sums_by_period('created_deals', 'created_date', ['user_id'], ['opportunities_created']) }}

),

leads as (

    select owner_id as user_id, created_date, 1 as leads_created from {{ ref('int_leads') }}

),

lead_counts as (

    {{ salespulse.sums_by_period('leads', 'created_date', ['user_id'], ['leads_created']) }}

),

-- activity -------------------------------------------------------------------------------

activity_days as (

    -- per rep and day (about 3.6 activities a rep-day at 1M deals, stored incrementally)
    select owner_id as user_id, activity_date, calls, meetings, emails, demos
    from {{ ref('int_activity_days') }}

),

activity_counts as (

    {{ salespulse.sums_by_period('activity_days', 'activity_date', ['user_id'], ['calls', 'meetings', 'emails', 'demos']) }}

),

-- quota: monthly rep quotas summed over the period (weeks have none) ---------------------

quotas as (

    select
        rep_periods.user_id,
        rep_periods.period_type,
        rep_periods.period_start,
        sum(monthly.quota_amount) as quota

    from rep_periods
    inner join {{ ref('int_rep_quotas_monthly') }} as monthly
        on rep_periods.user_id = monthly.user_id
        and monthly.month_start >= rep_periods.period_start
        and monthly.month_start < rep_periods.period_end
    where rep_periods.period_type <> 'week'
    group by rep_periods.user_id, rep_periods.period_type, rep_periods.period_start

),

-- pipeline: open deals at the period's end, and at its measuring point for coverage ------

points as (

    select
        user_id,
        period_type,
        period_start,
        period_end,
        is_complete_period,
        -- the pipeline is read at the start of this local day: the period's end, or the day
        -- after the as-of date (the as-of cutoff)
        case
            when is_complete_period then period_end
            else {{ salespulse.as_of_next_day() }}
        end as end_date,
        case
            when is_complete_period then {{ salespulse.utc_start_of_local_day('period_start') }}
            else {{ salespulse.as_of_cutoff() }}
        end as coverage_point

    from rep_periods

),

open_visits as (

    select visits.deal_id, visits.entered_at, visits.exited_at, deals.owner_id, deals.amount,
        deals.expected_close_date
    from {{ ref('int_stage_visits') }} as visits
    inner join deals
        on visits.deal_id = deals.deal_id
    where not visits.is_closed_stage

),

-- A deal is open at a point when one of its open-stage visits covers it (entered before the
-- point, not exited before it; a deal is in one stage at a time, so visits of a deal never
-- overlap). Each visit adds its deal to its owner's pipeline when entered and removes it
-- when exited; the pipeline at a point is the running sum of the changes before it. The
-- points ride in the same ordered stream, so this is one sort per owner instead of a range
-- join of every period with every visit.
-- Every point is the start of a local day that is a Monday, the first of a month or the day
-- after the as-of date (a period's end, or the as-of cutoff). A change counts at a point
-- exactly when its local date is before the point's, that is when the first such day after
-- the change's local date (`counted_from`) is on or before the point. The changes are summed
-- per owner and `counted_from` (at 1M deals 4.0M changes make 0.32M sums instead of 1.39M
-- owner-days), and sort before the points of their own day.
pipeline_day_changes as (

    select owner_id as user_id, {{ salespulse.local_date('entered_at') }} as changed_on,
        1 as deal_change, amount as amount_change
    from open_visits

    union all

    select owner_id, {{ salespulse.local_date('exited_at') }}, -1, -amount
    from open_visits
    where exited_at is not null

),

{%- set next_week = salespulse.period_end('week', salespulse.period_start('week', 'changed_on')) %}
{%- set next_month = salespulse.period_end('month', salespulse.period_start('month', 'changed_on')) %}

pipeline_counted_changes as (

    select
        user_id,
        deal_change,
        amount_change,
        case
            when changed_on < {{ salespulse.as_of_next_day() }}
            then least({{ next_week }}, {{ next_month }}, {{ salespulse.as_of_next_day() }})
            else least({{ next_week }}, {{ next_month }})
        end as counted_from

    from pipeline_day_changes

),

pipeline_changes as (

    select user_id, counted_from, 0 as is_point,
        sum(deal_change) as deal_change, sum(amount_change) as amount_change,
        cast(null as {{ dbt.type_string() }}) as period_type, cast(null as date) as period_start
    from pipeline_counted_changes
    group by user_id, counted_from

    union all

    select user_id, end_date, 1, 0, null, period_type, period_start
    from points

),

-- (both sort keys are never null: `nulls first` changes nothing here, and spelling it
-- out lets the windows transpile to BigQuery, tests/test_portable_sql.py)
pipeline_running as (

    select
        is_point,
        user_id,
        period_type,
        period_start,
        sum(deal_change) over (
            partition by user_id order by counted_from nulls first, is_point nulls first
            rows between unbounded preceding and current row
        ) as open_deals,
        sum(amount_change) over (
            partition by user_id order by counted_from nulls first, is_point nulls first
            rows between unbounded preceding and current row
        ) as open_pipeline

    from pipeline_changes

),

pipeline_at_end as (

    select
        user_id,
        period_type,
        period_start,
        cast(open_deals as {{ dbt.type_bigint() }}) as open_deals,
        open_pipeline

    from pipeline_running
    where is_point = 1

),

-- coverage: the pipeline open at the period's measuring point and expected to close in the
-- period; each visit is matched to the one period of each type containing its expected
-- close date (an equi-join, not a range join)
open_visits_by_close_period as (

    {{ salespulse.by_period('open_visits', 'expected_close_date') }}

),

pipeline_for_period as (

    select
        points.user_id,
        points.period_type,
        points.period_start,
        sum(open_visits.amount) as pipeline_expected_to_close

    from points
    inner join open_visits_by_close_period as open_visits
        on points.user_id = open_visits.owner_id
        and points.period_type = open_visits.period_type
        and points.period_start = open_visits.period_start
        and open_visits.entered_at < points.coverage_point
        and (open_visits.exited_at is null or open_visits.exited_at >= points.coverage_point)
    group by points.user_id, points.period_type, points.period_start

),

booked_before_coverage_point as (

    select
        points.user_id,
        points.period_type,
        points.period_start,
        sum(deals.amount) as booked

    from points
    inner join deals
        on points.user_id = deals.owner_id
        and deals.deal_status = 'won'
        and deals.closed_date >= points.period_start
        and deals.closed_at < points.coverage_point
    -- a complete period's coverage point is the start of its first local day, and a deal's
    -- closed_date is the local date of its closed_at, so nothing is booked before it
    where not points.is_complete_period
    group by points.user_id, points.period_type, points.period_start

),

-- assemble ---------------------------------------------------------------------------------

measures as (

    select
        rep_periods.*,
        coalesce(outcomes.deals_won, 0) as deals_won,
        coalesce(outcomes.deals_lost, 0) as deals_lost,
        coalesce(outcomes.bookings, 0) as bookings,
        coalesce(outcomes.won_deals_with_amount, 0) as won_deals_with_amount,
        coalesce(outcomes.lost_amount, 0) as lost_amount,
        outcomes.won_cycle_seconds,
        outcomes.median_cycle_days,
        quotas.quota,
        -- counts (a sum of ones is wider than a count on some engines)
        coalesce(cast(opportunities.opportunities_created as {{ dbt.type_bigint() }}), 0) as opportunities_created,
        coalesce(cast(lead_counts.leads_created as {{ dbt.type_bigint() }}), 0) as leads_created,
        coalesce(activity_counts.calls, 0) as calls,
        coalesce(activity_counts.meetings, 0) as meetings,
        coalesce(activity_counts.emails, 0) as emails,
        coalesce(activity_counts.demos, 0) as demos,
        coalesce(pipeline_at_end.open_deals, 0) as open_deals,
        coalesce(pipeline_at_end.open_pipeline, 0) as open_pipeline,
        coalesce(pipeline_for_period.pipeline_expected_to_close, 0) as pipeline_expected_to_close,
        case
            when quotas.quota is null then null
            when quotas.quota - coalesce(booked.booked, 0) > 0 then quotas.quota - coalesce(booked.booked, 0)
            else 0
        end as remaining_quota

    from rep_periods
    left join outcomes
        on rep_periods.user_id = outcomes.user_id
        and rep_periods.period_type = outcomes.period_type
        and rep_periods.period_start = outcomes.period_start
    left join quotas
        on rep_periods.user_id = quotas.user_id
        and rep_periods.period_type = quotas.period_type
        and rep_periods.period_start = quotas.period_start
    left join opportunities
        on rep_periods.user_id = opportunities.user_id
        and rep_periods.period_type = opportunities.period_type
        and rep_periods.period_start = opportunities.period_start
    left join lead_counts
        on rep_periods.user_id = lead_counts.user_id
        and rep_periods.period_type = lead_counts.period_type
        and rep_periods.period_start = lead_counts.period_start
    left join activity_counts
        on rep_periods.user_id = activity_counts.user_id
        and rep_periods.period_type = activity_counts.period_type
        and rep_periods.period_start = activity_counts.period_start
    left join pipeline_at_end
        on rep_periods.user_id = pipeline_at_end.user_id
        and rep_periods.period_type = pipeline_at_end.period_type
        and rep_periods.period_start = pipeline_at_end.period_start
    left join pipeline_for_period
        on rep_periods.user_id = pipeline_for_period.user_id
        and rep_periods.period_type = pipeline_for_period.period_type
        and rep_periods.period_start = pipeline_for_period.period_start
    left join booked_before_coverage_point as booked
        on rep_periods.user_id = booked.user_id
        and rep_periods.period_type = booked.period_type
        and rep_periods.period_start = booked.period_start

),

ratios as (

    select
        measures.*,
        calls + meetings + emails + demos as activities,
        {{ salespulse.safe_divide('bookings', 'quota') }} as quota_attainment,
        {{ salespulse.safe_divide('bookings - quota', 'quota') }} as target_variance,
        {{ salespulse.safe_divide('deals_won', 'deals_won + deals_lost') }} as win_rate,
        {{ salespulse.safe_divide('deals_lost', 'deals_won + deals_lost') }} as loss_rate,
        {{ salespulse.safe_divide('bookings', 'bookings + lost_amount') }} as win_rate_by_amount,
        {{ salespulse.safe_divide('won_cycle_seconds', 'deals_won * 86400') }} as avg_cycle_days,
        {{ salespulse.safe_divide('bookings', 'won_deals_with_amount') }} as avg_deal_value,
        {{ salespulse.safe_divide('pipeline_expected_to_close', 'remaining_quota') }} as pipeline_coverage

    from measures

),

-- underperformance, against peers in the same period (non-ramping reps) -------------------

peers as (

    select
        period_type,
        period_start,
        {{ salespulse.median('activities') }} as peer_median_activities,
        {{ salespulse.safe_divide('sum(deals_won)', 'sum(deals_won) + sum(deals_lost)') }} as peer_win_rate,
        {{ salespulse.safe_divide('sum(won_cycle_seconds)', 'sum(deals_won) * 86400') }} as peer_avg_cycle_days

    from ratios
    where is_employed and not is_ramping
    group by period_type, period_start

),

flagged as (

    select
        ratios.*,
        peers.peer_median_activities,
        peers.peer_win_rate,
        peers.peer_avg_cycle_days,
        coalesce(ratios.is_complete_period and ratios.is_employed and not ratios.is_ramping
            and ratios.quota_attainment < {{ var('underperformer_attainment_below', 0.7) }}, false)
            as is_below_target,
        coalesce(ratios.is_complete_period and ratios.is_employed and not ratios.is_ramping
            and ratios.activities < {{ var('underperformer_activity_share_below', 0.5) }} * peers.peer_median_activities, false)
            as is_low_activity,
        coalesce(ratios.is_complete_period and ratios.is_employed and not ratios.is_ramping
            and ratios.deals_won >= {{ var('underperformer_min_deals', 3) }}
            and ratios.avg_cycle_days > {{ var('underperformer_cycle_ratio_above', 1.5) }} * peers.peer_avg_cycle_days, false)
            as is_long_cycle,
        coalesce(ratios.is_complete_period and ratios.is_employed and not ratios.is_ramping
            and ratios.deals_won + ratios.deals_lost >= {{ var('underperformer_min_deals', 3) }}
            and ratios.win_rate < {{ var('underperformer_win_rate_share_below', 0.5) }} * peers.peer_win_rate, false)
            as is_low_win_rate,
        coalesce(ratios.is_employed and not ratios.is_ramping and ratios.period_type <> 'week'
            and ratios.pipeline_coverage < {{ var('underperformer_coverage_below', 1.0) }}, false)
            as is_thin_coverage,
        coalesce(ratios.is_complete_period and ratios.is_employed and not ratios.is_ramping
            and ratios.deals_won + ratios.deals_lost >= {{ var('underperformer_min_deals', 3) }}
            and ratios.loss_rate > {{ var('underperformer_loss_rate_above', 0.85) }}, false)
            as is_high_loss_rate

    from ratios
    left join peers
        on ratios.period_type = peers.period_type
        and ratios.period_start = peers.period_start

),

final as (

    select
        -- grain
        user_id,
        rep_name,
        team_id,
        team_name,
        region,
        manager_id,
        period_type,
        period_start,
        period_end,
        is_complete_period,
        is_employed,
        is_ramping,
        -- outcomes and targets
        deals_won,
        bookings,
        quota,
        (quota is not null and quota > 0) as has_quota,
        quota_attainment,
        target_variance,
        remaining_quota,
        -- effectiveness
        deals_lost,
        lost_amount,
        win_rate,
        loss_rate,
        win_rate_by_amount,
        avg_cycle_days,
        median_cycle_days,
        avg_deal_value,
        -- pipeline
        open_deals,
        open_pipeline,
        pipeline_expected_to_close,
        pipeline_coverage,
        -- activity and generation
        calls,
        meetings,
        emails,
        demos,
        activities,
        opportunities_created,
        leads_created,
        -- performance management
        peer_median_activities,
        peer_win_rate,
        peer_avg_cycle_days,
        is_below_target,
        is_low_activity,
        is_long_cycle,
        is_low_win_rate,
        is_thin_coverage,
        is_high_loss_rate,
        (is_below_target or is_low_activity or is_long_cycle or is_low_win_rate
            or is_thin_coverage or is_high_loss_rate) as is_underperformer,
        trim(
            {{ dbt.concat([
                "case when is_below_target then 'below_target ' else '' end",
                "case when is_low_activity then 'low_activity ' else '' end",
                "case when is_long_cycle then 'long_cycle ' else '' end",
                "case when is_low_win_rate then 'low_win_rate ' else '' end",
                "case when is_thin_coverage then 'thin_coverage ' else '' end",
                "case when is_high_loss_rate then 'high_loss_rate ' else '' end",
            ]) }}
        ) as underperformer_reasons,
        {{ salespulse.as_of_date() }} as as_of_date

    from flagged

)

select * from final
