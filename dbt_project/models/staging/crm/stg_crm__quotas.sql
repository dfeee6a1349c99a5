-- The CRM interface for quotas: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('quotas')) }}

),

conformed as (

    select
        cast(quota_id as {{ dbt.type_string() }}) as quota_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(owner_type as {{ dbt.type_string() }}) as owner_type,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(amount_local as {{ salespulse.type_money() }}) as amount_local,
        cast(period_start as date) as period_start,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
