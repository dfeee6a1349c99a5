-- The CRM interface for users: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('users')) }}

),

conformed as (

    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(current_team_id as {{ dbt.type_string() }}) as current_team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(ramp_months as {{ dbt.type_int() }}) as ramp_months,
        cast(hire_date as date) as hire_date,
        cast(left_date as date) as left_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
