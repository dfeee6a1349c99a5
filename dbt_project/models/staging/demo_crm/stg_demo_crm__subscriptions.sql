with

source as (

    select * from {{ source('demo_crm', 'subscriptions') }}

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
        {{ salespulse.to_money('mrr') }} as mrr_local,
        -- dates and timestamps
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date_exclusive,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
