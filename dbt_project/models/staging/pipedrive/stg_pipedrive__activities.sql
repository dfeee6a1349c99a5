{#
    Pipedrive activities in the canonical shape. Activity types are the account's own
    keys: call, email and meeting map as they are, lunch counts as a meeting, a custom type
    with key demo as a demo; other types (task, deadline, ...) keep their key. Pipedrive
    schedules an activity by due_date and due_time (HH:MM, UTC; null for all-day ones, taken
    as midnight) and records duration as HH:MM. Deleted activities are left out.
#}

with

source as (

    select * from {{ source('pipedrive', 'activities') }}
    where not coalesce(is_deleted, false)

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as activity_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(org_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(
            case lower(type)
                when 'lunch' then 'meeting'
                else lower(type)
            end as {{ dbt.type_string() }}
        ) as activity_type,
        -- numerics
        cast(
            cast(substring(duration, 1, 2) as {{ dbt.type_int() }}) * 60
            + cast(substring(duration, 4, 2) as {{ dbt.type_int() }})
            as {{ dbt.type_int() }}
        ) as duration_minutes,
        -- dates and timestamps
        cast(
            {{ dbt.dateadd(
                'minute',
                "coalesce(cast(substring(due_time, 1, 2) as " ~ dbt.type_int() ~ ") * 60 + cast(substring(due_time, 4, 2) as " ~ dbt.type_int() ~ "), 0)",
                "cast(due_date as " ~ dbt.type_timestamp() ~ ")"
            ) }} as {{ dbt.type_timestamp() }}
        ) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
