{#
    One row per rep and month that has a quota, including months after the as-of date that
    are already planned: the quota converted into the reporting currency at the rate of the
    month's first day (a future month: the as-of date's rate).
#}

with

quotas as (

    select * from {{ ref('stg_crm__quotas') }}
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
        {{ salespulse.convert_money('quotas.amount_local', 'fx.to_reporting_factor') }} as quota_amount

    from quotas
    left join fx
        on quotas.currency_code = fx.currency_code
        and fx.rate_date = case
            when quotas.period_start > {{ salespulse.as_of_date() }} then {{ salespulse.as_of_date() }}
            else quotas.period_start
        end

)

select * from final
