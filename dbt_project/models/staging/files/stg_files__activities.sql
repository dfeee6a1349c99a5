with

source as (

    select * from {{ source('files', 'activities') }}

),

renamed as (

    select

        -- ids
        cast(activity_id as {{ dbt.type_string() }}) as activity_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(activity_type as {{ dbt.type_string() }}) as activity_type,
        -- numerics
        cast(duration_minutes as {{ dbt.type_int() }}) as duration_minutes,
        -- dates and timestamps
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
