-- HubSpot stage metadata: probability "0.0".."1.0" and isClosed "true"/"false", as
-- strings. HubSpot has no won flag: a closed stage with probability 1.0 is the won stage.
with

source as (

    select * from {{ source('hubspot', 'pipeline_stages') }}

),

renamed as (

    select

        -- ids
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(id as {{ dbt.type_string() }}) as stage_id,
        -- attributes
        cast(label as {{ dbt.type_string() }}) as stage_name,
        -- numerics
        cast(display_order as {{ dbt.type_int() }}) as stage_order,
        cast(round(cast(probability as {{ salespulse.type_double() }}) * 100) as {{ dbt.type_int() }}) as stage_probability_pct,
        -- booleans
        cast(lower(is_closed) = 'true' as {{ dbt.type_boolean() }}) as is_closed,
        cast(lower(is_closed) = 'true' and cast(probability as {{ salespulse.type_double() }}) >= 1 as {{ dbt.type_boolean() }}) as is_won,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
