with

source as (

    select * from {{ source('demo_crm', 'deals') }}

),

renamed as (

    select

        -- ids
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(stage_id as {{ dbt.type_string() }}) as current_stage_id,
        -- attributes
        cast(deal_name as {{ dbt.type_string() }}) as deal_name,
        cast(product as {{ dbt.type_string() }}) as product,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        cast(forecast_category as {{ dbt.type_string() }}) as forecast_category,
        cast(loss_reason as {{ dbt.type_string() }}) as loss_reason,
        cast(competitor as {{ dbt.type_string() }}) as competitor,
        -- numerics
        {{ salespulse.to_money('amount') }} as amount_local,
        cast(probability as {{ dbt.type_int() }}) as probability_pct,
        -- booleans
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(is_deleted as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(expected_close_date as date) as expected_close_date,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
