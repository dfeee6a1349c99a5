-- The CRM interface for csat_surveys: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('csat_surveys')) }}

),

conformed as (

    select
        cast(survey_id as {{ dbt.type_string() }}) as survey_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(score as {{ dbt.type_int() }}) as score,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
