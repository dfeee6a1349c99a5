-- Salesforce's core objects record an email as a Task (see activities) but no delivery or
-- open events (those come from Einstein Activity Capture or marketing tools): a typed
-- empty relation, so email delivery and open rates are null for this source.
select
    cast(null as {{ dbt.type_string() }}) as email_event_id,
    cast(null as {{ dbt.type_string() }}) as activity_id,
    cast(null as {{ dbt.type_string() }}) as event_type,
    cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
    cast(null as {{ dbt.type_string() }}) as load_id
where 1 = 0
