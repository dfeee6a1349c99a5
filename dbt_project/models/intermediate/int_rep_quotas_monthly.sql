{#
    One row per rep and month that has a quota: the quota converted into the reporting
    currency at the rate of the month's first day.
#}

with

quotas as (

    select * from {{ ref('stg_demo_crm__quotas') }}
    where owner_type = 'rep' and period_type = 'month'

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

final as (

    select
        quotas.owner_id as user_id,
        quotas.period_start as month_start,
        quotas.currency_code,
        quotas.amount_local as quota_local,
        {{ salespulse.to_money('quotas.amount_local * fx.to_reporting_factor') }} as quota_amount

    from quotas
    left join fx
        on quotas.currency_code = fx.currency_code
        and quotas.period_start = fx.rate_date
    where quotas.period_start <= {{ salespulse.as_of_date() }}

)

select * from final
