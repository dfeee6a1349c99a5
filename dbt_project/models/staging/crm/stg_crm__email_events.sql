-- The CRM interface for email_events: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('email_events')) }}

),

conformed as (

    select
        cast(email_event_id as {{ dbt.type_string() }}) as email_event_id,
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
