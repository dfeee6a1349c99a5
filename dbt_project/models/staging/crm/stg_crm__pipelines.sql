-- The CRM interface for pipelines: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('pipelines')) }}

),

conformed as (

    select
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(pipeline_name as {{ dbt.type_string() }}) as pipeline_name,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
