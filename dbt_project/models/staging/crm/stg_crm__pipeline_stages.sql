-- The CRM interface for pipeline_stages: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('pipeline_stages')) }}

),

conformed as (

    select
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        cast(stage_name as {{ dbt.type_string() }}) as stage_name,
        cast(stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(stage_probability_pct as {{ dbt.type_int() }}) as stage_probability_pct,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
