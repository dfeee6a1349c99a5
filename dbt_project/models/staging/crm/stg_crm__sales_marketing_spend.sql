-- The CRM interface for sales_marketing_spend: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('sales_marketing_spend')) }}

),

conformed as (

    select
        cast(department as {{ dbt.type_string() }}) as department,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(amount_local as {{ salespulse.type_money() }}) as amount_local,
        cast(spend_month as date) as spend_month,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
