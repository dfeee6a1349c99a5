with

source as (

    select * from {{ source('files', 'subscriptions') }}

),

renamed as (

    select

        -- ids
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        -- NaN and infinity become null here; mrr_non_finite keeps them for the quarantine
        {{ salespulse.to_money(salespulse.finite_or_null('mrr')) }} as mrr_local,
        {{ salespulse.non_finite_text('mrr') }} as mrr_non_finite,
        -- dates and timestamps
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date_exclusive,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
