-- Pipedrive's API has no email delivery events (sent, delivered, opened) per activity.
-- An empty, typed relation keeps the canonical interface (stg_crm__email_events).
select
    cast(null as {{ dbt.type_string() }}) as email_event_id,
    cast(null as {{ dbt.type_string() }}) as activity_id,
    cast(null as {{ dbt.type_string() }}) as event_type,
    cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
