-- The CRM interface for deals: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('deals')) }}

),

conformed as (

    select
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(current_stage_id as {{ dbt.type_string() }}) as current_stage_id,
        cast(deal_name as {{ dbt.type_string() }}) as deal_name,
        cast(product as {{ dbt.type_string() }}) as product,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(forecast_category as {{ dbt.type_string() }}) as forecast_category,
        cast(loss_reason as {{ dbt.type_string() }}) as loss_reason,
        cast(competitor as {{ dbt.type_string() }}) as competitor,
        cast(amount_local as {{ salespulse.type_money() }}) as amount_local,
        cast(amount_non_finite as {{ dbt.type_string() }}) as amount_non_finite,
        cast(probability_pct as {{ dbt.type_int() }}) as probability_pct,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(is_deleted as {{ dbt.type_boolean() }}) as is_deleted,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(expected_close_date as date) as expected_close_date,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
