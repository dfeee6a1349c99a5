{#
    How good was the forecast? One row per complete past period (month, fiscal quarter)
    from the history start: the forecast as it stood at the period's start, rebuilt from
    stage history (deals open at the end of the day before the period start, in the stage
    they stood in then, with an expected close date in the period), weighted by the
    historical stage-to-won conversion known then (int_pipeline_stage_win_rates of the
    fiscal quarter containing the period start) and by the stage default probability, next
    to the actual bookings of the period. The CRM extract keeps only the latest
    expected_close_date and amount, so those are today's values, not the values at the
    period start. Company level only.
#}

with

deals as (

    select * from {{ ref('int_deals') }}

),

spells as (

    select * from {{ ref('int_pipeline_stage_spells') }}

),

win_rates as (

    select reference_quarter_start, stage_id, forecast_probability
    from {{ ref('int_pipeline_stage_win_rates') }}

),

periods as (

    select
        period_type,
        period_start,
        period_end,
        cast({{ dbt.dateadd('day', -1, 'period_start') }} as date) as forecast_date,
        {{ salespulse.period_start('quarter', 'period_start') }} as reference_quarter_start

    from {{ ref('int_periods') }}
    where period_type in ('month', 'quarter')
      and is_complete_period
      and period_start >= {{ salespulse.history_start_date() }}

),

open_at_start as (

    -- the deal's state at the end of the day before the period starts
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        deals.deal_id,
        deals.deal_status,
        deals.closed_date,
        deals.amount,
        {{ salespulse.double_to_money('deals.amount * win_rates.forecast_probability') }} as weighted_amount_historical,
        {{ salespulse.double_to_money('deals.amount * spells.stage_probability') }} as weighted_amount_stage

    from periods
    inner join spells
        on spells.valid_from_date <= periods.forecast_date
        and coalesce(spells.valid_to_date, cast('9999-12-31' as date)) > periods.forecast_date
    inner join deals
        on spells.deal_id = deals.deal_id
    left join win_rates
        on periods.reference_quarter_start = win_rates.reference_quarter_start
        and spells.stage_id = win_rates.stage_id
    where spells.spell_status = 'open'
      and deals.expected_close_date >= periods.period_start
      and deals.expected_close_date < periods.period_end

),

forecast as (

    select
        period_type,
        period_start,
        count(*) as forecast_deals,
        sum(amount) as forecast_pipeline_amount,
        sum(weighted_amount_historical) as forecast_weighted_historical,
        sum(weighted_amount_stage) as forecast_weighted_stage,
        sum(case
            when deal_status = 'won' and closed_date >= period_start and closed_date < period_end then 1
            else 0
        end) as forecast_deals_won

    from open_at_start
    group by period_type, period_start

),

actuals as (

    select
        periods.period_type,
        periods.period_start,
        count(*) as deals_won,
        sum(deals.amount) as bookings

    from periods
    inner join deals
        on deals.closed_date >= periods.period_start
        and deals.closed_date < periods.period_end
    where deals.deal_status = 'won'
    group by periods.period_type, periods.period_start

),

final as (

    select
        -- grain
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.forecast_date,
        -- forecast at the period start
        coalesce(forecast.forecast_deals, 0) as forecast_deals,
        coalesce(forecast.forecast_pipeline_amount, 0) as forecast_pipeline_amount,
        coalesce(forecast.forecast_weighted_historical, 0) as forecast_weighted_historical,
        coalesce(forecast.forecast_weighted_stage, 0) as forecast_weighted_stage,
        -- actuals
        coalesce(forecast.forecast_deals_won, 0) as forecast_deals_won,
        coalesce(actuals.deals_won, 0) as deals_won,
        coalesce(actuals.bookings, 0) as bookings,
        -- accuracy
        {{ salespulse.safe_divide('coalesce(actuals.bookings, 0)', 'forecast.forecast_weighted_historical') }} as forecast_accuracy,
        {{ salespulse.safe_divide('coalesce(actuals.bookings, 0)', 'forecast.forecast_weighted_stage') }} as forecast_accuracy_stage,
        {{ salespulse.safe_divide('forecast.forecast_deals_won', 'forecast.forecast_deals') }} as forecast_deal_win_rate,
        {{ salespulse.as_of_date() }} as as_of_date

    from periods
    left join forecast
        on periods.period_type = forecast.period_type
        and periods.period_start = forecast.period_start
    left join actuals
        on periods.period_type = actuals.period_type
        and periods.period_start = actuals.period_start

)

select * from final
