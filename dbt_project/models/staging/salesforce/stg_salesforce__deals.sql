-- Opportunities, renamed and cast, plus what Salesforce keeps elsewhere: the lead is the
-- one converted into the opportunity (Lead.ConvertedOpportunityId; the first by id if
-- several), closed_at the last entry into a closed stage (stage history; CloseDate's
-- midnight UTC if the history lacks it), the forecast category the API value of
-- ForecastCategoryName in snake case. CloseDate is date-only: the expected close date
-- (for a closed opportunity the close day). Loss reason is not a standard field: name
-- the landed custom column with var salesforce_loss_reason_column (e.g. loss_reason__c);
-- product and competitor live in related objects and are null. Without multi-currency the
-- currency is var salesforce_corporate_currency (USD).
{%- set loss_reason_column = var('salesforce_loss_reason_column', none) %}
with

opportunities as (

    select * from {{ source('salesforce', 'opportunities') }}

),

converted_leads as (

    select
        converted_opportunity_id,
        min(id) as lead_id
    from {{ source('salesforce', 'leads') }}
    where converted_opportunity_id is not null
        and not coalesce(is_deleted, false)
    group by converted_opportunity_id

),

closed_entries as (

    select
        history.deal_id,
        max(history.entered_at) as closed_at
    from {{ ref('stg_salesforce__deal_stage_history') }} as history
    inner join {{ ref('stg_salesforce__pipeline_stages') }} as stages
        on history.stage_id = stages.stage_id
    where stages.is_closed
    group by history.deal_id

),

renamed as (

    select

        -- ids
        cast(opportunities.id as {{ dbt.type_string() }}) as deal_id,
        cast('opportunities' as {{ dbt.type_string() }}) as pipeline_id,
        cast(opportunities.account_id as {{ dbt.type_string() }}) as account_id,
        cast(opportunities.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(converted_leads.lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(opportunities.stage_name as {{ dbt.type_string() }}) as current_stage_id,
        -- attributes
        cast(opportunities.name as {{ dbt.type_string() }}) as deal_name,
        cast(null as {{ dbt.type_string() }}) as product,
        {% if var('salesforce_multi_currency', true) -%}
        cast(opportunities.currency_iso_code as {{ dbt.type_string() }}) as currency_code,
        {%- else -%}
        cast('{{ var("salesforce_corporate_currency", "USD") }}' as {{ dbt.type_string() }}) as currency_code,
        {%- endif %}
        cast(
            case opportunities.forecast_category_name
                when 'Pipeline' then 'pipeline'
                when 'Best Case' then 'best_case'
                when 'Commit' then 'commit'
                when 'Closed' then 'closed'
                when 'Omitted' then 'omitted'
                else lower(opportunities.forecast_category_name)
            end as {{ dbt.type_string() }}
        ) as forecast_category,
        cast({{ ('opportunities.' ~ loss_reason_column) if loss_reason_column else 'null' }} as {{ dbt.type_string() }}) as loss_reason,
        cast(null as {{ dbt.type_string() }}) as competitor,
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('opportunities.amount')) }} as amount_local,
        {{ salespulse.non_finite_text('opportunities.amount') }} as amount_non_finite,
        cast(round(opportunities.probability) as {{ dbt.type_int() }}) as probability_pct,
        -- booleans
        cast(opportunities.is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(opportunities.is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(coalesce(opportunities.is_deleted, false) as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        cast(opportunities.created_date as {{ dbt.type_timestamp() }}) as created_at,
        cast(opportunities.close_date as date) as expected_close_date,
        cast(
            case
                when opportunities.is_closed
                then coalesce(closed_entries.closed_at, cast(opportunities.close_date as {{ dbt.type_timestamp() }}))
            end as {{ dbt.type_timestamp() }}
        ) as closed_at,
        cast(opportunities.system_modstamp as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(opportunities._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from opportunities
    left join converted_leads
        on opportunities.id = converted_leads.converted_opportunity_id
    left join closed_entries
        on opportunities.id = closed_entries.deal_id

)

select * from renamed
