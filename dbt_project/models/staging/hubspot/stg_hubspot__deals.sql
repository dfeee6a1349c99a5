-- A deal without deal_currency_code is in the account's company currency.
with

source as (

    select * from {{ source('hubspot', 'deals') }}

),

company_currency as (

    select max(currency_code) as currency_code from {{ source('hubspot', 'company_currency') }}

),

renamed as (

    select

        -- ids (empty strings are treated as missing)
        {{ salespulse.empty_as_null('source.id') }} as deal_id,
        {{ salespulse.empty_as_null('source.pipeline') }} as pipeline_id,
        {{ salespulse.empty_as_null('source.company_id') }} as account_id,
        {{ salespulse.empty_as_null('source.hubspot_owner_id') }} as owner_id,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        {{ salespulse.empty_as_null('source.dealstage') }} as current_stage_id,
        -- attributes
        cast(source.dealname as {{ dbt.type_string() }}) as deal_name,
        cast(null as {{ dbt.type_string() }}) as product,
        coalesce(
            {{ salespulse.empty_as_null('source.deal_currency_code') }},
            company_currency.currency_code
        ) as currency_code,
        case lower(source.hs_manual_forecast_category)
            when 'omit' then 'omitted'
            else lower(source.hs_manual_forecast_category)
        end as forecast_category,
        {{ salespulse.empty_as_null('source.closed_lost_reason') }} as loss_reason,
        cast(null as {{ dbt.type_string() }}) as competitor,
        -- numerics
        -- NaN and infinity become null here; amount_non_finite keeps them for the quarantine
        {{ salespulse.to_money(salespulse.finite_or_null('source.amount')) }} as amount_local,
        {{ salespulse.non_finite_text('source.amount') }} as amount_non_finite,
        cast(round(source.hs_deal_stage_probability * 100) as {{ dbt.type_int() }}) as probability_pct,
        -- booleans
        cast(source.hs_is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(source.hs_is_closed_won as {{ dbt.type_boolean() }}) as is_won,
        cast(coalesce(source.archived, false) as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        cast(source.createdate as {{ dbt.type_timestamp() }}) as created_at,
        cast(cast(source.closedate as {{ dbt.type_timestamp() }}) as date) as expected_close_date,
        case when source.hs_is_closed then cast(source.closedate as {{ dbt.type_timestamp() }}) end as closed_at,
        cast(source.hs_lastmodifieddate as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(source._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source
    cross join company_currency

)

select * from renamed
