-- The CRM interface for teams: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('teams')) }}

),

conformed as (

    select
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
