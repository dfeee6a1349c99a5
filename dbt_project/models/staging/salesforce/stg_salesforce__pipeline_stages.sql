-- Stage ids are the stage's API name: the value Opportunity.StageName and
-- OpportunityHistory.StageName hold. Inactive stages are kept (history may use them).
with

source as (

    select * from {{ source('salesforce', 'opportunity_stages') }}

),

renamed as (

    select

        -- ids
        cast('opportunities' as {{ dbt.type_string() }}) as pipeline_id,
        cast(api_name as {{ dbt.type_string() }}) as stage_id,
        -- attributes
        cast(master_label as {{ dbt.type_string() }}) as stage_name,
        -- numerics
        cast(sort_order as {{ dbt.type_int() }}) as stage_order,
        cast(round(default_probability) as {{ dbt.type_int() }}) as stage_probability_pct,
        -- booleans
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
