{#
    Forward-looking forecast: one row per period (month, fiscal quarter) from the period
    containing the as-of date through the end of the second fiscal quarter after it, and per
    segment level (company; the owner's team). Open pipeline is the open deals (as of the
    as-of date) whose expected close date falls in the period, unweighted and weighted two
    ways: by the historical stage-to-won conversion of the trailing four complete fiscal
    quarters (int_pipeline_stage_win_rates; stage default probability where no deal of the
    stage closed) and by the CRM's typed probability (0-1). Bookings are won deals closed in
    the period; the target is the sum of the reps' monthly quotas in the period. Open deals
    whose expected close date is already before the as-of period are not in any period (see
    pipeline_movement_weekly, slipped). The team is the owner's team at the as-of date.
#}

with

deals as (

    select * from {{ ref('int_deals') }}

),

win_rates as (

    select stage_id, forecast_probability
    from {{ ref('int_pipeline_stage_win_rates') }}
    where reference_quarter_start = {{ salespulse.period_start('quarter', salespulse.as_of_date()) }}

),

users as (

    select user_id, team_id, team_name from {{ ref('int_users') }}

),

memberships_at_as_of as (

    select user_id, team_id, team_name
    from {{ ref('int_team_memberships') }}
    where valid_from <= {{ salespulse.as_of_date() }}
      and (valid_to_exclusive is null or valid_to_exclusive > {{ salespulse.as_of_date() }})

),

user_teams as (

    select
        users.user_id,
        coalesce(memberships_at_as_of.team_id, users.team_id) as team_id,
        coalesce(memberships_at_as_of.team_name, users.team_name) as team_name

    from users
    left join memberships_at_as_of
        on users.user_id = memberships_at_as_of.user_id

),

quotas as (

    select * from {{ ref('int_rep_quotas_monthly') }}

),

months as (

    {{ dbt.date_spine(
        'month',
        salespulse.period_start('month', salespulse.as_of_date()),
        dbt.dateadd('month', 9, salespulse.period_start('quarter', salespulse.as_of_date()))
    ) }}

),

month_starts as (

    select cast(date_month as date) as month_start from months

),

periods as (

    select
        'month' as period_type,
        month_start as period_start,
        {{ salespulse.period_end('month', 'month_start') }} as period_end,
        1 as months_in_period

    from month_starts

    union all

    select distinct
        'quarter' as period_type,
        {{ salespulse.period_start('quarter', 'month_start') }} as period_start,
        {{ salespulse.period_end('quarter', salespulse.period_start('quarter', 'month_start')) }} as period_end,
        3 as months_in_period

    from month_starts

),

segments as (

    select distinct 'company' as segment_level, 'company' as segment_id, 'Company' as segment_name
    from periods

    union all

    select distinct 'team' as segment_level, team_id as segment_id, team_name as segment_name
    from user_teams
    where team_id is not null

),

-- every fact once for the company and once for the owner's team
owner_segments as (

    select user_id, 'company' as segment_level, 'company' as segment_id from user_teams
    union all
    select user_id, 'team' as segment_level, team_id as segment_id from user_teams
    where team_id is not null

),

open_deals as (

    select
        deals.deal_id,
        deals.owner_id,
        deals.expected_close_date,
        deals.amount,
        {{ salespulse.double_to_money('deals.amount * win_rates.forecast_probability') }} as weighted_amount_historical,
        {{ salespulse.double_to_money('deals.amount * deals.crm_probability') }} as weighted_amount_crm

    from deals
    left join win_rates
        on deals.stage_id = win_rates.stage_id
    where deals.deal_status = 'open'

),

pipeline as (

    select
        periods.period_type,
        periods.period_start,
        owner_segments.segment_level,
        owner_segments.segment_id,
        count(*) as open_deals_expected,
        sum(open_deals.amount) as open_pipeline_amount,
        sum(open_deals.weighted_amount_historical) as weighted_forecast_historical,
        sum(open_deals.weighted_amount_crm) as weighted_forecast_crm

    from open_deals
    inner join periods
        on open_deals.expected_close_date >= periods.period_start
        and open_deals.expected_close_date < periods.period_end
    inner join owner_segments
        on open_deals.owner_id = owner_segments.user_id
    group by periods.period_type, periods.period_start, owner_segments.segment_level, owner_segments.segment_id

),

bookings as (

    select
        periods.period_type,
        periods.period_start,
        owner_segments.segment_level,
        owner_segments.segment_id,
        count(*) as deals_won,
        sum(deals.amount) as bookings

    from deals
    inner join periods
        on deals.closed_date >= periods.period_start
        and deals.closed_date < periods.period_end
    inner join owner_segments
        on deals.owner_id = owner_segments.user_id
    where deals.deal_status = 'won'
    group by periods.period_type, periods.period_start, owner_segments.segment_level, owner_segments.segment_id

),

targets as (

    select
        periods.period_type,
        periods.period_start,
        owner_segments.segment_level,
        owner_segments.segment_id,
        sum(quotas.quota_amount) as target,
        count(distinct quotas.month_start) as target_months

    from quotas
    inner join periods
        on quotas.month_start >= periods.period_start
        and quotas.month_start < periods.period_end
    inner join owner_segments
        on quotas.user_id = owner_segments.user_id
    group by periods.period_type, periods.period_start, owner_segments.segment_level, owner_segments.segment_id

),

combined as (

    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        segments.segment_level,
        segments.segment_id,
        segments.segment_name,
        coalesce(pipeline.open_deals_expected, 0) as open_deals_expected,
        coalesce(pipeline.open_pipeline_amount, 0) as open_pipeline_amount,
        coalesce(pipeline.weighted_forecast_historical, 0) as weighted_forecast_historical,
        coalesce(pipeline.weighted_forecast_crm, 0) as weighted_forecast_crm,
        coalesce(bookings.deals_won, 0) as deals_won,
        coalesce(bookings.bookings, 0) as bookings,
        targets.target,
        (coalesce(targets.target_months, 0) = periods.months_in_period) as is_target_complete

    from periods
    cross join segments
    left join pipeline
        on periods.period_type = pipeline.period_type
        and periods.period_start = pipeline.period_start
        and segments.segment_level = pipeline.segment_level
        and segments.segment_id = pipeline.segment_id
    left join bookings
        on periods.period_type = bookings.period_type
        and periods.period_start = bookings.period_start
        and segments.segment_level = bookings.segment_level
        and segments.segment_id = bookings.segment_id
    left join targets
        on periods.period_type = targets.period_type
        and periods.period_start = targets.period_start
        and segments.segment_level = targets.segment_level
        and segments.segment_id = targets.segment_id

),

with_remaining as (

    select
        combined.*,
        case
            when not is_target_complete then null
            when target > bookings then target - bookings
            else cast(0 as {{ salespulse.type_money() }})
        end as remaining_target

    from combined

),

final as (

    select
        -- grain
        period_type,
        period_start,
        period_end,
        segment_level,
        segment_id,
        segment_name,
        -- open pipeline expected to close in the period
        open_deals_expected,
        open_pipeline_amount,
        weighted_forecast_historical,
        weighted_forecast_crm,
        -- outcomes and targets
        deals_won,
        bookings,
        bookings + weighted_forecast_historical as projected_bookings,
        target,
        is_target_complete,
        remaining_target,
        {{ salespulse.safe_divide('open_pipeline_amount', 'remaining_target') }} as pipeline_coverage,
        {{ salespulse.safe_divide('bookings + weighted_forecast_historical', 'case when is_target_complete then target end') }} as projected_attainment,
        -- flags
        (period_start <= {{ salespulse.as_of_date() }}) as is_current_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from with_remaining

)

select * from final
