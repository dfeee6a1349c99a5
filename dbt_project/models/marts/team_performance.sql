{#
    One row per team and period, plus one company row per period (scope = 'company'), from
    the history start to the period containing the as-of date: bookings against quota, win
    rates, cycle, activity and generation, summed from events credited to the team the
    owner belonged to on the event's date; the share of reps at quota, with ramping and
    quota-less reps excluded and counted; and growth on the previous period and year.
#}

with

-- additive measures per team and day (int_team_days), then per period
-- (salespulse.sums_by_period); the median cycle needs the won deals themselves and fans
-- them out apart
team_days as (

    select * from {{ ref('int_team_days') }}

),

{% set team_day_measures = [
    'deals_won', 'deals_lost', 'bookings', 'won_deals_with_amount', 'lost_amount',
    'won_cycle_seconds', 'quota', 'opportunities_created', 'leads_created',
    'calls', 'meetings', 'emails', 'demos',
] %}

-- summed per team and period (one row each), then per scope below
team_days_by_period as (

    {{ salespulse.sums_by_period('team_days', 'event_date', ['team_id'], team_day_measures) }}

),

won_deals as (

    select owner_id, closed_date as event_date, sales_cycle_days
    from {{ ref('int_deals') }}
    where deal_status = 'won'

),

-- a won deal counts for the team its owner belonged to on its close date, as in
-- int_team_days
won_cycles as (

    {{ salespulse.with_owner_team('won_deals', 'owner_id', 'event_date') }}

),

won_cycles_by_period as (

    {{ salespulse.by_period('won_cycles', 'event_date') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

teams as (

    select team_id, team_name, region, manager_id from {{ ref('stg_crm__teams') }}
    union all
    select distinct 'unassigned' as team_id, 'Unassigned' as team_name,
        cast(null as {{ dbt.type_string() }}) as region, cast(null as {{ dbt.type_string() }}) as manager_id
    from team_days
    where team_id = 'unassigned'

),

reps as (

    select * from {{ ref('rep_performance') }}
    where is_employed

),

{% set scopes = [('team', 'team_id'), ('company', "cast(null as " ~ dbt.type_string() ~ ")")] %}

spine as (
    {% for scope, team_expr in scopes %}
    select '{{ scope }}' as scope, {{ 'teams.team_id' if scope == 'team' else team_expr }} as team_id,
        periods.period_type, periods.period_start, periods.period_end, periods.is_complete_period
    from periods
    {% if scope == 'team' %}cross join teams{% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

sums as (
    {% for scope, team_expr in scopes %}
    select
        '{{ scope }}' as scope,
        {{ team_expr }} as team_id,
        period_type,
        period_start,
        sum(deals_won) as deals_won,
        sum(deals_lost) as deals_lost,
        sum(bookings) as bookings,
        sum(won_deals_with_amount) as won_deals_with_amount,
        sum(lost_amount) as lost_amount,
        sum(won_cycle_seconds) as won_cycle_seconds,
        sum(quota) as quota,
        sum(opportunities_created) as opportunities_created,
        sum(leads_created) as leads_created,
        sum(calls) as calls,
        sum(meetings) as meetings,
        sum(emails) as emails,
        sum(demos) as demos

    from team_days_by_period
    group by {{ team_expr }}, period_type, period_start
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cycle_medians as (
    {% for scope, team_expr in scopes %}
    select
        '{{ scope }}' as scope,
        {{ team_expr }} as team_id,
        period_type,
        period_start,
        {{ salespulse.median('sales_cycle_days') }} as median_cycle_days

    from won_cycles_by_period
    group by {{ team_expr }}, period_type, period_start
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rep_counts as (
    {% for scope, team_expr in scopes %}
    select
        '{{ scope }}' as scope,
        {{ team_expr }} as team_id,
        period_type,
        period_start,
        count(*) as reps,
        sum(case when is_ramping then 1 else 0 end) as reps_ramping,
        sum(case when not is_ramping and not has_quota then 1 else 0 end) as reps_without_quota,
        sum(case when not is_ramping and has_quota then 1 else 0 end) as reps_eligible,
        sum(case when not is_ramping and has_quota and quota_attainment >= 1 then 1 else 0 end) as reps_at_quota

    from reps
    group by {{ team_expr }}, period_type, period_start
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

measures as (

    select
        spine.scope,
        spine.team_id,
        spine.period_type,
        spine.period_start,
        spine.period_end,
        spine.is_complete_period,
        coalesce(sums.deals_won, 0) as deals_won,
        coalesce(sums.bookings, 0) as bookings,
        sums.quota,
        coalesce(sums.deals_lost, 0) as deals_lost,
        coalesce(sums.lost_amount, 0) as lost_amount,
        coalesce(sums.won_deals_with_amount, 0) as won_deals_with_amount,
        sums.won_cycle_seconds,
        cycle_medians.median_cycle_days,
        coalesce(sums.opportunities_created, 0) as opportunities_created,
        coalesce(sums.leads_created, 0) as leads_created,
        coalesce(sums.calls, 0) as calls,
        coalesce(sums.meetings, 0) as meetings,
        coalesce(sums.emails, 0) as emails,
        coalesce(sums.demos, 0) as demos,
        coalesce(rep_counts.reps, 0) as reps,
        coalesce(rep_counts.reps_ramping, 0) as reps_ramping,
        coalesce(rep_counts.reps_without_quota, 0) as reps_without_quota,
        coalesce(rep_counts.reps_eligible, 0) as reps_eligible,
        coalesce(rep_counts.reps_at_quota, 0) as reps_at_quota

    from spine
    left join sums
        on spine.scope = sums.scope
        and coalesce(spine.team_id, '') = coalesce(sums.team_id, '')
        and spine.period_type = sums.period_type
        and spine.period_start = sums.period_start
    left join cycle_medians
        on spine.scope = cycle_medians.scope
        and coalesce(spine.team_id, '') = coalesce(cycle_medians.team_id, '')
        and spine.period_type = cycle_medians.period_type
        and spine.period_start = cycle_medians.period_start
    left join rep_counts
        on spine.scope = rep_counts.scope
        and coalesce(spine.team_id, '') = coalesce(rep_counts.team_id, '')
        and spine.period_type = rep_counts.period_type
        and spine.period_start = rep_counts.period_start

),

with_history as (

    select
        measures.*,
        case measures.period_type
            when 'week' then {{ dbt.dateadd('week', -1, 'measures.period_start') }}
            when 'month' then {{ dbt.dateadd('month', -1, 'measures.period_start') }}
            when 'quarter' then {{ dbt.dateadd('month', -3, 'measures.period_start') }}
            else {{ dbt.dateadd('year', -1, 'measures.period_start') }}
        end as previous_period_start,
        case
            when measures.period_type = 'week' then null
            else {{ dbt.dateadd('year', -1, 'measures.period_start') }}
        end as last_year_period_start

    from measures

),

final as (

    select
        -- grain
        current_period.scope,
        current_period.team_id,
        teams.team_name,
        teams.region,
        teams.manager_id,
        current_period.period_type,
        current_period.period_start,
        current_period.period_end,
        current_period.is_complete_period,
        -- outcomes and targets
        current_period.deals_won,
        current_period.bookings,
        current_period.quota,
        {{ salespulse.safe_divide('current_period.bookings', 'current_period.quota') }} as quota_attainment,
        {{ salespulse.safe_divide('current_period.bookings - current_period.quota', 'current_period.quota') }} as target_variance,
        -- share of reps at quota
        current_period.reps,
        current_period.reps_ramping,
        current_period.reps_without_quota,
        current_period.reps_eligible,
        current_period.reps_at_quota,
        {{ salespulse.safe_divide('current_period.reps_at_quota', 'current_period.reps_eligible') }} as quota_attainment_rate,
        -- growth
        previous_period.bookings as previous_period_bookings,
        {{ salespulse.safe_divide('current_period.bookings - previous_period.bookings', 'previous_period.bookings') }} as bookings_growth,
        last_year.bookings as last_year_bookings,
        {{ salespulse.safe_divide('current_period.bookings - last_year.bookings', 'last_year.bookings') }} as bookings_growth_yoy,
        -- effectiveness
        current_period.deals_lost,
        current_period.lost_amount,
        {{ salespulse.safe_divide('current_period.deals_won', 'current_period.deals_won + current_period.deals_lost') }} as win_rate,
        {{ salespulse.safe_divide('current_period.bookings', 'current_period.bookings + current_period.lost_amount') }} as win_rate_by_amount,
        {{ salespulse.safe_divide('current_period.won_cycle_seconds', 'current_period.deals_won * 86400') }} as avg_cycle_days,
        current_period.median_cycle_days,
        {{ salespulse.safe_divide('current_period.bookings', 'current_period.won_deals_with_amount') }} as avg_deal_value,
        -- activity and generation
        current_period.calls,
        current_period.meetings,
        current_period.emails,
        current_period.demos,
        current_period.calls + current_period.meetings + current_period.emails + current_period.demos as activities,
        current_period.opportunities_created,
        current_period.leads_created,
        {{ salespulse.as_of_date() }} as as_of_date

    from with_history as current_period
    left join teams
        on current_period.team_id = teams.team_id
    left join measures as previous_period
        on current_period.scope = previous_period.scope
        and coalesce(current_period.team_id, '') = coalesce(previous_period.team_id, '')
        and current_period.period_type = previous_period.period_type
        and current_period.previous_period_start = previous_period.period_start
    left join measures as last_year
        on current_period.scope = last_year.scope
        and coalesce(current_period.team_id, '') = coalesce(last_year.team_id, '')
        and current_period.period_type = last_year.period_type
        and current_period.last_year_period_start = last_year.period_start

)

select * from final
