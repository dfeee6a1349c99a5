{#
    One row per subscription started by the as-of date, as known on that date: an end
    after the as-of date is not yet known, so such a subscription is active. MRR converts
    into the reporting currency once, at the rate of the start date, so exchange-rate
    moves never show up as expansion or contraction. Subscriptions that break a row-level
    rule are quarantined (int_quarantine_subscriptions) and left out.
#}

with

quarantined as (

    select distinct subscription_id from {{ ref('int_quarantine_subscriptions') }}

),

subscriptions as (

    -- subscriptions that break a row-level rule (int_quarantine_subscriptions) are left out
    select raw.*
    from {{ ref('stg_crm__subscriptions') }} as raw
    left join quarantined
        on raw.subscription_id = quarantined.subscription_id
    where raw.start_date <= {{ salespulse.as_of_date() }}
      and quarantined.subscription_id is null

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

final as (

    select
        subscriptions.subscription_id,
        subscriptions.account_id,
        subscriptions.plan,
        subscriptions.currency_code,
        subscriptions.mrr_local,
        {{ salespulse.convert_money('subscriptions.mrr_local', 'fx.to_reporting_factor') }} as mrr,
        subscriptions.start_date,
        case
            when subscriptions.end_date_exclusive <= {{ salespulse.as_of_date() }}
            then subscriptions.end_date_exclusive
        end as end_date_exclusive

    from subscriptions
    left join fx
        on subscriptions.currency_code = fx.currency_code
        and subscriptions.start_date = fx.rate_date

)

select * from final
