with

source as (

    select * from {{ source('files', 'deal_stage_history') }}

),

renamed as (

    select

        -- ids
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        -- dates and timestamps
        cast(entered_at as {{ dbt.type_timestamp() }}) as entered_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
