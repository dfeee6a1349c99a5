{#
    One row per rep and period (month or fiscal quarter) from the rep's first period of
    employment to the period containing the as-of date: bookings (won deals closed in the
    period, reporting currency), quota, attainment and target variance. Reps without a
    quota, and reps still ramping, are kept and flagged rather than dropped.
#}

with

calendar as (

    select * from {{ ref('int_calendar') }}

),

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

won_deals as (

    select owner_id, closed_date, amount
    from {{ ref('int_deals') }}
    where deal_status = 'won'

),

monthly_quotas as (

    select * from {{ ref('int_rep_quotas_monthly') }}

),

periods as (

    select distinct 'month' as period_type, month_start as period_start,
        {{ salespulse.period_end('month', 'month_start') }} as period_end
    from calendar
    union all
    select distinct 'quarter' as period_type, quarter_start as period_start,
        {{ salespulse.period_end('quarter', 'quarter_start') }} as period_end
    from calendar

),

rep_periods as (

    select
        reps.user_id,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        (periods.period_start < reps.ramp_end_date) as is_ramping

    from reps
    inner join periods
        on reps.hire_date < periods.period_end
        and (reps.left_date is null or reps.left_date >= periods.period_start)

),

bookings as (

    select
        rep_periods.user_id,
        rep_periods.period_type,
        rep_periods.period_start,
        count(won_deals.owner_id) as deals_won,
        sum(won_deals.amount) as bookings

    from rep_periods
    inner join won_deals
        on rep_periods.user_id = won_deals.owner_id
        and won_deals.closed_date >= rep_periods.period_start
        and won_deals.closed_date < rep_periods.period_end
    group by rep_periods.user_id, rep_periods.period_type, rep_periods.period_start

),

quotas as (

    select
        rep_periods.user_id,
        rep_periods.period_type,
        rep_periods.period_start,
        sum(monthly_quotas.quota_amount) as quota

    from rep_periods
    inner join monthly_quotas
        on rep_periods.user_id = monthly_quotas.user_id
        and monthly_quotas.month_start >= rep_periods.period_start
        and monthly_quotas.month_start < rep_periods.period_end
    group by rep_periods.user_id, rep_periods.period_type, rep_periods.period_start

),

final as (

    select
        -- grain
        rep_periods.user_id,
        reps.full_name as rep_name,
        reps.team_id,
        reps.team_name,
        reps.region,
        reps.manager_id,
        rep_periods.period_type,
        rep_periods.period_start,
        rep_periods.period_end,
        -- measures: sums never lose a rep to nulls
        coalesce(bookings.deals_won, 0) as deals_won,
        coalesce(bookings.bookings, 0) as bookings,
        quotas.quota,
        {{ salespulse.safe_divide('coalesce(bookings.bookings, 0)', 'quotas.quota') }} as quota_attainment,
        {{ salespulse.safe_divide('coalesce(bookings.bookings, 0) - quotas.quota', 'quotas.quota') }} as target_variance,
        -- flags
        rep_periods.is_ramping,
        (quotas.quota is not null and quotas.quota > 0) as has_quota,
        (rep_periods.period_end <= {{ dbt.dateadd('day', 1, salespulse.as_of_date()) }}) as is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from rep_periods
    inner join reps
        on rep_periods.user_id = reps.user_id
    left join bookings
        on rep_periods.user_id = bookings.user_id
        and rep_periods.period_type = bookings.period_type
        and rep_periods.period_start = bookings.period_start
    left join quotas
        on rep_periods.user_id = quotas.user_id
        and rep_periods.period_type = quotas.period_type
        and rep_periods.period_start = quotas.period_start

)

select * from final
