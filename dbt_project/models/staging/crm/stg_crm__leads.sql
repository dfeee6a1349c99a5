-- The CRM interface for leads: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('leads')) }}

),

conformed as (

    select
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(converted_deal_id as {{ dbt.type_string() }}) as converted_deal_id,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
