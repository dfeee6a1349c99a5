with

source as (

    select * from {{ source('files', 'pipeline_stages') }}

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
