{#
    Pipedrive deals in the canonical shape. Pipedrive has no closed stages: a won or lost
    deal keeps its last open stage and carries status won/lost, so current_stage_id is the
    pipeline's synthetic won/lost stage (stg_pipedrive__pipeline_stages) for closed deals.
    A deal without its own probability takes its stage's deal_probability (Pipedrive's rule).
#}

with

deals as (

    select * from {{ source('pipedrive', 'deals') }}

),

stages as (

    select id, deal_probability from {{ source('pipedrive', 'stages') }}

),

renamed as (

    select

        -- ids
        cast(deals.id as {{ dbt.type_string() }}) as deal_id,
        cast(deals.pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(deals.org_id as {{ dbt.type_string() }}) as account_id,
        cast(deals.owner_id as {{ dbt.type_string() }}) as owner_id,
        -- Pipedrive leads are not loaded (source_lead_id is not requested)
        cast(null as {{ dbt.type_string() }}) as lead_id,
        case
            when deals.status in ('won', 'lost')
            then {{ dbt.concat(["cast(deals.pipeline_id as " ~ dbt.type_string() ~ ")", "'-'", "deals.status"]) }}
            else cast(deals.stage_id as {{ dbt.type_string() }})
        end as current_stage_id,
        -- attributes
        cast(deals.title as {{ dbt.type_string() }}) as deal_name,
        {{ salespulse.empty_as_null('deals.product') }} as product,
        {{ salespulse.empty_as_null('deals.currency') }} as currency_code,
        -- Pipedrive has no forecast category
        cast(null as {{ dbt.type_string() }}) as forecast_category,
        case when deals.status = 'lost' then {{ salespulse.empty_as_null('deals.lost_reason') }} end as loss_reason,
        case when deals.status = 'lost' then {{ salespulse.empty_as_null('deals.competitor') }} end as competitor,
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('deals.value')) }} as amount_local,
        {{ salespulse.non_finite_text('deals.value') }} as amount_non_finite,
        cast(round(coalesce(deals.probability, stages.deal_probability), 0) as {{ dbt.type_int() }}) as probability_pct,
        -- booleans
        (deals.status in ('won', 'lost')) as is_closed,
        (deals.status = 'won') as is_won,
        coalesce(cast(deals.is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted,
        -- dates and timestamps
        cast(deals.add_time as {{ dbt.type_timestamp() }}) as created_at,
        cast(deals.expected_close_date as date) as expected_close_date,
        case
            when deals.status in ('won', 'lost') then cast(deals.close_time as {{ dbt.type_timestamp() }})
        end as closed_at,
        cast(deals.update_time as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(deals._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from deals
    left join stages
        on deals.stage_id = stages.id

)

select * from renamed
