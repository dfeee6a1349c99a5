{#
    Staging of the canonical raw tables: the shape the demo CRM lands (ingestion/demo_crm/
    schema.py) and the file importer lands too (ingestion/files). Both sources' staging
    models are one call here, with their own dbt source: renames and casts only. Both land
    timestamps as UTC instants (timestamp with time zone), cast by `utc_timestamp`.
#}

{% macro stage_canonical_accounts(source_name) %}
with

source as (

    select * from {{ source(source_name, 'accounts') }}

),

renamed as (

    select

        -- ids
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(region as {{ dbt.type_string() }}) as region,
        -- booleans
        cast(is_deleted as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('created_at') }} as created_at,
        {{ salespulse.utc_timestamp('updated_at') }} as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_activities(source_name) %}
with

source as (

    select * from {{ source(source_name, 'activities') }}

),

renamed as (

    select

        -- ids
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(activity_type as {{ dbt.type_string() }}) as activity_type,
        -- numerics
        cast(duration_minutes as {{ dbt.type_int() }}) as duration_minutes,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('occurred_at') }} as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_contacts(source_name) %}
with

source as (

    select * from {{ source(source_name, 'contacts') }}

),

renamed as (

    select

        -- ids
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(title as {{ dbt.type_string() }}) as title,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('created_at') }} as created_at,
        {{ salespulse.utc_timestamp('updated_at') }} as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_csat_surveys(source_name) %}
with

source as (

    select * from {{ source(source_name, 'csat_surveys') }}

),

renamed as (

    select

        -- ids
        cast(survey_id as {{ dbt.type_string() }}) as survey_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        -- numerics
        cast(score as {{ dbt.type_int() }}) as score,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('responded_at') }} as responded_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_deal_stage_history(source_name) %}
with

source as (

    select * from {{ source(source_name, 'deal_stage_history') }}

),

renamed as (

    select

        -- ids
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('entered_at') }} as entered_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_deals(source_name) %}
with

source as (

    select * from {{ source(source_name, 'deals') }}

),

renamed as (

    select

        -- ids (empty strings are treated as missing)
        {{ salespulse.empty_as_null('deal_id') }} as deal_id,
        {{ salespulse.empty_as_null('pipeline_id') }} as pipeline_id,
        {{ salespulse.empty_as_null('account_id') }} as account_id,
        {{ salespulse.empty_as_null('owner_id') }} as owner_id,
        {{ salespulse.empty_as_null('lead_id') }} as lead_id,
        {{ salespulse.empty_as_null('stage_id') }} as current_stage_id,
        -- attributes
        cast(deal_name as {{ dbt.type_string() }}) as deal_name,
        cast(product as {{ dbt.type_string() }}) as product,
        {{ salespulse.empty_as_null('currency') }} as currency_code,
        {{ salespulse.empty_as_null('forecast_category') }} as forecast_category,
        {{ salespulse.empty_as_null('loss_reason') }} as loss_reason,
        {{ salespulse.empty_as_null('competitor') }} as competitor,
        -- numerics
        -- NaN and infinity become null here; amount_non_finite keeps them for the quarantine
        {{ salespulse.to_money(salespulse.finite_or_null('amount')) }} as amount_local,
        {{ salespulse.non_finite_text('amount') }} as amount_non_finite,
        cast(probability as {{ dbt.type_int() }}) as probability_pct,
        -- booleans
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(is_deleted as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('created_at') }} as created_at,
        cast(expected_close_date as date) as expected_close_date,
        {{ salespulse.utc_timestamp('closed_at') }} as closed_at,
        {{ salespulse.utc_timestamp('updated_at') }} as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_email_events(source_name) %}
with

source as (

    select * from {{ source(source_name, 'email_events') }}

),

renamed as (

    select

        -- ids
        cast(email_event_id as {{ dbt.type_string() }}) as email_event_id,
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        -- attributes
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('occurred_at') }} as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_fx_rates(source_name) %}
with

source as (

    select * from {{ source(source_name, 'fx_rates') }}

),

renamed as (

    select

        -- attributes
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        cast(usd_per_unit as {{ salespulse.type_double() }}) as usd_per_unit,
        -- dates and timestamps
        cast(rate_date as date) as rate_date,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_leads(source_name) %}
with

source as (

    select * from {{ source(source_name, 'leads') }}

),

renamed as (

    select

        -- ids
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(converted_deal_id as {{ dbt.type_string() }}) as converted_deal_id,
        -- attributes
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(status as {{ dbt.type_string() }}) as status,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('created_at') }} as created_at,
        {{ salespulse.utc_timestamp('converted_at') }} as converted_at,
        {{ salespulse.utc_timestamp('updated_at') }} as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_pipeline_stages(source_name) %}
with

source as (

    select * from {{ source(source_name, 'pipeline_stages') }}

),

renamed as (

    select

        -- ids
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        -- attributes
        cast(stage_name as {{ dbt.type_string() }}) as stage_name,
        -- numerics
        cast(stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(probability as {{ dbt.type_int() }}) as stage_probability_pct,
        -- booleans
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_pipelines(source_name) %}
with

source as (

    select * from {{ source(source_name, 'pipelines') }}

),

renamed as (

    select

        -- ids
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        -- attributes
        cast(pipeline_name as {{ dbt.type_string() }}) as pipeline_name,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_quotas(source_name) %}
with

source as (

    select * from {{ source(source_name, 'quotas') }}

),

renamed as (

    select

        -- ids
        cast(quota_id as {{ dbt.type_string() }}) as quota_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        -- attributes
        cast(owner_type as {{ dbt.type_string() }}) as owner_type,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('amount')) }} as amount_local,
        -- dates and timestamps
        cast(period_start as date) as period_start,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_sales_marketing_spend(source_name) %}
with

source as (

    select * from {{ source(source_name, 'sales_marketing_spend') }}

),

renamed as (

    select

        -- attributes
        cast(department as {{ dbt.type_string() }}) as department,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('amount')) }} as amount_local,
        -- dates and timestamps
        cast(spend_month as date) as spend_month,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_subscriptions(source_name) %}
with

source as (

    select * from {{ source(source_name, 'subscriptions') }}

),

renamed as (

    select

        -- ids
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        -- NaN and infinity become null here; mrr_non_finite keeps them for the quarantine
        {{ salespulse.to_money(salespulse.finite_or_null('mrr')) }} as mrr_local,
        {{ salespulse.non_finite_text('mrr') }} as mrr_non_finite,
        -- dates and timestamps
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date_exclusive,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_team_memberships(source_name) %}
with

source as (

    select * from {{ source(source_name, 'team_memberships') }}

),

renamed as (

    select

        -- ids
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        -- dates and timestamps
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to_exclusive,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_teams(source_name) %}
with

source as (

    select * from {{ source(source_name, 'teams') }}

),

renamed as (

    select

        -- ids
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(region as {{ dbt.type_string() }}) as region,
        -- dates and timestamps
        {{ salespulse.utc_timestamp('updated_at') }} as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}

{% macro stage_canonical_users(source_name) %}
with

source as (

    select * from {{ source(source_name, 'users') }}

),

renamed as (

    select

        -- ids
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(team_id as {{ dbt.type_string() }}) as current_team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(region as {{ dbt.type_string() }}) as region,
        -- numerics
        cast(ramp_months as {{ dbt.type_int() }}) as ramp_months,
        -- dates and timestamps
        cast(hire_date as date) as hire_date,
        cast(left_date as date) as left_date,
        {{ salespulse.utc_timestamp('updated_at') }} as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
{% endmacro %}
