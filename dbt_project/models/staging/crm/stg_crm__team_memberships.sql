-- The CRM interface for team_memberships: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('team_memberships')) }}

),

conformed as (

    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(valid_from as date) as valid_from,
        cast(valid_to_exclusive as date) as valid_to_exclusive,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
