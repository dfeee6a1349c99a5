-- OpportunityHistory has a row for every change of stage, amount, probability or close
-- date. A stage entry is a row whose stage differs from the opportunity's previous row
-- (in time; the first row is the stage the opportunity was created in): the rows that only
-- revised the amount, probability or close date are skipped.
with

source as (

    select * from {{ source('salesforce', 'opportunity_history') }}
    where not coalesce(is_deleted, false)

),

ordered as (

    select
        opportunity_id,
        stage_name,
        created_date,
        _dlt_load_id,
        lag(stage_name) over (
            partition by opportunity_id order by created_date, id
        ) as previous_stage_name

    from source

),

renamed as (

    select

        -- ids
        cast(opportunity_id as {{ dbt.type_string() }}) as deal_id,
        cast(stage_name as {{ dbt.type_string() }}) as stage_id,
        -- dates and timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as entered_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from ordered
    where previous_stage_name is null or previous_stage_name <> stage_name

)

select * from renamed
