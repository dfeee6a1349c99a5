-- propertiesWithHistory.dealstage keeps every set of the property; a set to the value
-- it already had is not a stage entry and is dropped.
with

source as (

    select * from {{ source('hubspot', 'deal_stage_history') }}

),

ordered as (

    select
        deal_id,
        stage_id,
        entered_at,
        _dlt_load_id,
        lag(stage_id) over (partition by deal_id order by entered_at, stage_id) as previous_stage_id
    from source

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

    from ordered
    where previous_stage_id is null or previous_stage_id <> stage_id

)

select * from renamed
