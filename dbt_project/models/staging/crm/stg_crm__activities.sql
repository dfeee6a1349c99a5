-- The CRM interface for activities: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('activities')) }}

),

conformed as (

    select
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(activity_type as {{ dbt.type_string() }}) as activity_type,
        cast(duration_minutes as {{ dbt.type_int() }}) as duration_minutes,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
