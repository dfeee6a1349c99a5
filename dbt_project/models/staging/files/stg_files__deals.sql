with

source as (

    select * from {{ source('files', 'deals') }}

),

renamed as (

    select

        -- ids (empty strings are treated as missing)
        {{ salespulse.empty_as_null('deal_id') }} as deal_id,
        {{ salespulse.empty_as_null('pipeline_id') }} as pipeline_id,
        {{ salespulse.empty_as_null('account_id') }} as account_id,
        {{ salespulse.empty_as_null('owner_id') }} as owner_id,
        {{ salespulse.empty_as_null('lead_id') }} as lead_id,
        {{ salespulse.empty_as_null('stage_id') }} as current_stage_id,
        -- attributes
        cast(deal_name as {{ dbt.type_string() }}) as deal_name,
        cast(product as {{ dbt.type_string() }}) as product,
        {{ salespulse.empty_as_null('currency') }} as currency_code,
        {{ salespulse.empty_as_null('forecast_category') }} as forecast_category,
        {{ salespulse.empty_as_null('loss_reason') }} as loss_reason,
        {{ salespulse.empty_as_null('competitor') }} as competitor,
        -- numerics
        -- NaN and infinity become null here; amount_non_finite keeps them for the quarantine
        {{ salespulse.to_money(salespulse.finite_or_null('amount')) }} as amount_local,
        {{ salespulse.non_finite_text('amount') }} as amount_non_finite,
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
