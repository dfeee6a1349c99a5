{#
    One row per reporting period (ISO week, month, fiscal quarter, fiscal year) from the
    history start to the period containing the as-of date.
#}

with

calendar as (

    select * from {{ ref('int_calendar') }}

),

starts as (

    select distinct 'week' as period_type, week_start as period_start from calendar
    union all
    select distinct 'month' as period_type, month_start as period_start from calendar
    union all
    select distinct 'quarter' as period_type, quarter_start as period_start from calendar
    union all
    select distinct 'year' as period_type, fiscal_year_start as period_start from calendar

),

final as (

    select
        period_type,
        period_start,
        case period_type
            when 'week' then {{ salespulse.period_end('week', 'period_start') }}
            when 'month' then {{ salespulse.period_end('month', 'period_start') }}
            when 'quarter' then {{ salespulse.period_end('quarter', 'period_start') }}
            else {{ salespulse.period_end('year', 'period_start') }}
        end as period_end

    from starts

)

select
    period_type,
    period_start,
    period_end,
    (period_end <= {{ salespulse.as_of_next_day() }}) as is_complete_period,
    case
        when period_end > {{ salespulse.as_of_next_day() }}
        then {{ salespulse.as_of_next_day() }}
        else period_end
    end as measured_to_exclusive
from final
