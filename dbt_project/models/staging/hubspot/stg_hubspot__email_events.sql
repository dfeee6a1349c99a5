-- HubSpot's email engagement records a status and an open count, not delivery or open
-- times: "sent" for a sent or bounced email, "delivered" unless it bounced, "opened" when
-- the open count is positive, all at the email's time (hs_timestamp).
with

source as (

    select * from {{ source('hubspot', 'emails') }}
    where not coalesce(archived, false)
      and upper(hs_email_status) in ('SENT', 'BOUNCED')

),

events as (

    select id, 'sent' as event_type, hs_timestamp, _dlt_load_id from source
    union all
    select id, 'delivered' as event_type, hs_timestamp, _dlt_load_id from source
    where upper(hs_email_status) = 'SENT'
    union all
    select id, 'opened' as event_type, hs_timestamp, _dlt_load_id from source
    where upper(hs_email_status) = 'SENT' and hs_email_open_count > 0

),

renamed as (

    select

        -- ids
        cast({{ dbt.concat(['id', "'-'", 'event_type']) }} as {{ dbt.type_string() }}) as email_event_id,
        cast(id as {{ dbt.type_string() }}) as activity_id,
        -- attributes
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        -- dates and timestamps
        cast(hs_timestamp as {{ dbt.type_timestamp() }}) as occurred_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from events

)

select * from renamed
