-- The CRM interface for contacts: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('contacts')) }}

),

conformed as (

    select
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
