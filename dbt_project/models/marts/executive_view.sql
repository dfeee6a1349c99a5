{#
    The executive's monthly and quarterly review: one row per month and fiscal quarter up
    to the one containing the as-of date, with the company's bookings against target,
    growth, share of reps at quota, effectiveness, and for the current and coming periods
    the forecast and pipeline coverage.
#}

with

company as (

    select * from {{ ref('team_performance') }}
    where scope = 'company' and period_type in ('month', 'quarter')

),

forecast as (

    select * from {{ ref('forecast_by_period') }}
    where segment_level = 'company'

),

final as (

    select
        company.period_type,
        company.period_start,
        company.period_end,
        company.is_complete_period,
        company.bookings,
        company.quota as target,
        company.quota_attainment,
        company.target_variance,
        company.bookings_growth,
        company.bookings_growth_yoy,
        company.reps_eligible,
        company.reps_at_quota,
        company.quota_attainment_rate,
        company.deals_won,
        company.deals_lost,
        company.win_rate,
        company.avg_cycle_days,
        company.avg_deal_value,
        forecast.open_pipeline_amount as pipeline_expected_to_close,
        forecast.weighted_forecast_historical,
        forecast.projected_bookings,
        forecast.pipeline_coverage,
        {{ salespulse.as_of_date() }} as as_of_date

    from company
    left join forecast
        on company.period_type = forecast.period_type
        and company.period_start = forecast.period_start

)

select * from final
