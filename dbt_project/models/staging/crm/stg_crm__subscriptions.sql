-- The CRM interface for subscriptions: the active source's staging model (var crm_source),
-- cast to the canonical types. Intermediate models read this, never a source's staging.
with

source_staging as (

    select * from {{ ref(salespulse.crm_staging_model('subscriptions')) }}

),

conformed as (

    select
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(mrr_local as {{ salespulse.type_money() }}) as mrr_local,
        cast(mrr_non_finite as {{ dbt.type_string() }}) as mrr_non_finite,
        cast(start_date as date) as start_date,
        cast(end_date_exclusive as date) as end_date_exclusive,
        cast(load_id as {{ dbt.type_string() }}) as load_id

    from source_staging

)

select * from conformed
