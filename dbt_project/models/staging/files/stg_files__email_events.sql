with

source as (

    select * from {{ source('files', 'email_events') }}

),

renamed as (

    select

        -- ids
        cast(email_event_id as {{ dbt.type_string() }}) as email_event_id,
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        -- attributes
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        -- dates and timestamps
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
