-- The CRM interface for accounts: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('accounts')) }}

),

conformed as (

    select
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(is_deleted as {{ dbt.type_boolean() }}) as is_deleted,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
