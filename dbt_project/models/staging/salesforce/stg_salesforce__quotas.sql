-- ForecastingQuota rows are per user and forecast period; the period length is an org
-- setting (var salesforce_quota_period_type: month, the default, or quarter). Quantity
-- quotas are not revenue quotas and are left out.
with

source as (

    select * from {{ source('salesforce', 'forecasting_quotas') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as quota_id,
        cast(quota_owner_id as {{ dbt.type_string() }}) as owner_id,
        -- attributes
        cast('rep' as {{ dbt.type_string() }}) as owner_type,
        cast('{{ var("salesforce_quota_period_type", "month") }}' as {{ dbt.type_string() }}) as period_type,
        {% if var('salesforce_multi_currency', true) -%}
        cast(currency_iso_code as {{ dbt.type_string() }}) as currency_code,
        {%- else -%}
        cast('{{ var("salesforce_corporate_currency", "USD") }}' as {{ dbt.type_string() }}) as currency_code,
        {%- endif %}
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('quota_amount')) }} as amount_local,
        -- dates and timestamps
        cast(start_date as date) as period_start,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source
    where not coalesce(is_quantity, false)

)

select * from renamed
