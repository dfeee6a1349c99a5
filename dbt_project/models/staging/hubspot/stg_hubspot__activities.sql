-- Calls, emails and meetings are the canonical activities (a meeting whose activity
-- type is "Demo" is a demo). Notes and tasks are loaded raw but are not activities: a
-- note is a record about something, a task a to-do (often for a call or email that is
-- logged itself), and the canonical vocabulary (call, email, meeting, demo) has neither.
with

calls as (

    select
        id, hubspot_owner_id, deal_id, company_id, hs_timestamp, _dlt_load_id,
        'call' as activity_type,
        cast(round(hs_call_duration / 60000.0) as {{ dbt.type_int() }}) as duration_minutes
    from {{ source('hubspot', 'calls') }}
    where not coalesce(archived, false)

),

emails as (

    select
        id, hubspot_owner_id, deal_id, company_id, hs_timestamp, _dlt_load_id,
        'email' as activity_type,
        cast(null as {{ dbt.type_int() }}) as duration_minutes
    from {{ source('hubspot', 'emails') }}
    where not coalesce(archived, false)

),

meetings as (

    select
        id, hubspot_owner_id, deal_id, company_id, hs_timestamp, _dlt_load_id,
        case when lower(hs_activity_type) = 'demo' then 'demo' else 'meeting' end as activity_type,
        cast(round({{ dbt.datediff('hs_meeting_start_time', 'hs_meeting_end_time', 'second') }} / 60.0) as {{ dbt.type_int() }})
            as duration_minutes
    from {{ source('hubspot', 'meetings') }}
    where not coalesce(archived, false)

),

engagements as (

    select * from calls
    union all
    select * from emails
    union all
    select * from meetings

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as activity_id,
        cast(hubspot_owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(company_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(activity_type as {{ dbt.type_string() }}) as activity_type,
        -- numerics
        cast(duration_minutes as {{ dbt.type_int() }}) as duration_minutes,
        -- dates and timestamps
        cast(hs_timestamp as {{ dbt.type_timestamp() }}) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from engagements

)

select * from renamed
