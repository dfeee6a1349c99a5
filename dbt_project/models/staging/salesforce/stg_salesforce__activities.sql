-- Activities are Tasks and Events together. Type: a task's TaskSubtype (Call; Email or
-- ListEmail: email), else its Type picklist value; an event's Type (Meeting, Demo, ...;
-- meeting when empty), lower-cased. Types outside call, email, meeting, demo are kept and
-- quarantined downstream. A task happened when completed (else on its ActivityDate, else
-- at creation), an event at its start. deal_id is the related record (WhatId) when it is
-- an opportunity (key prefix 006). Deleted tasks and events are left out.
with

tasks as (

    select * from {{ source('salesforce', 'tasks') }}
    where not coalesce(is_deleted, false)

),

events as (

    select * from {{ source('salesforce', 'events') }}
    where not coalesce(is_deleted, false)

),

task_activities as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as activity_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(case when substr(what_id, 1, 3) = '006' then what_id end as {{ dbt.type_string() }}) as deal_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(
            case
                when task_subtype = 'Call' then 'call'
                when task_subtype in ('Email', 'ListEmail') then 'email'
                else lower(coalesce(type, task_subtype, 'task'))
            end as {{ dbt.type_string() }}
        ) as activity_type,
        -- numerics
        cast(round(call_duration_in_seconds / 60.0) as {{ dbt.type_int() }}) as duration_minutes,
        -- dates and timestamps
        cast(
            coalesce(
                completed_date_time,
                cast(activity_date as {{ dbt.type_timestamp() }}),
                created_date
            ) as {{ dbt.type_timestamp() }}
        ) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from tasks

),

event_activities as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as activity_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(case when substr(what_id, 1, 3) = '006' then what_id end as {{ dbt.type_string() }}) as deal_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(lower(coalesce(type, 'meeting')) as {{ dbt.type_string() }}) as activity_type,
        -- numerics
        cast(duration_in_minutes as {{ dbt.type_int() }}) as duration_minutes,
        -- dates and timestamps
        cast(start_date_time as {{ dbt.type_timestamp() }}) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from events

),

unioned as (

    select * from task_activities
    union all
    select * from event_activities

)

select
    activity_id,
    owner_id,
    deal_id,
    account_id,
    activity_type,
    duration_minutes,
    occurred_at,
    load_id
from unioned
