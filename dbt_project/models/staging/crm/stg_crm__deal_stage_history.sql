-- The CRM interface for deal_stage_history: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('deal_stage_history')) }}

),

conformed as (

    select
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        cast(entered_at as {{ dbt.type_timestamp() }}) as entered_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
