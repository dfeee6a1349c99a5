-- The CRM interface for fx_rates: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('fx_rates')) }}

),

conformed as (

    select
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(usd_per_unit as {{ salespulse.type_double() }}) as usd_per_unit,
        cast(rate_date as date) as rate_date,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
