{#
    One row per month with sales and marketing spend (spend months that ended by the as-of
    date, as the CRM reports them), converted into the reporting currency at the rate of
    the month's first day (as quotas are) and rounded to the cent per source row. The
    source has no canonical model beyond staging, so this reads staging.
#}

with

spend as (

    select * from {{ ref('stg_crm__sales_marketing_spend') }}
    -- only months that ended by the as-of date, as the CRM reports them (a newer extract
    -- holding the current month's spend must not change an older as-of date's numbers)
    where {{ salespulse.period_end('month', salespulse.period_start('month', 'spend_month')) }}
        <= {{ salespulse.as_of_next_day() }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

converted as (

    select
        {{ salespulse.period_start('month', 'spend.spend_month') }} as month_start,
        spend.department,
        {{ salespulse.convert_money('spend.amount_local', 'fx.to_reporting_factor') }} as amount

    from spend
    left join fx
        on spend.currency_code = fx.currency_code
        and {{ salespulse.period_start('month', 'spend.spend_month') }} = fx.rate_date

),

final as (

    select
        month_start,
        sum(case when department = 'sales' then amount else 0 end) as sales_spend,
        sum(case when department = 'marketing' then amount else 0 end) as marketing_spend,
        sum(amount) as total_spend

    from converted
    group by month_start

)

select * from final
