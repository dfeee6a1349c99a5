{#
    One row per activity in the CRM extract, whatever the as-of date: the activity and
    when its email was first delivered and first opened. Nothing here depends on the as-of
    date, the reporting time zone or the quarantine rules; int_activities applies those
    (a view over this table), so a new as-of date recomputes nothing here.

    Incremental by load (macros/incremental.sql): a run recomputes the activities whose raw
    row or one of whose email events was written by a load the table does not know, and,
    when the other activities' events fall short of their stored count (deleted or moved
    events), those whose email events differ in count or latest load from the stored ones;
    the post-hooks make the table equal a full rebuild.
#}

{{ config(
    materialized=salespulse.incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook=[
        "{{ salespulse.delete_replaced_versions('activity_id') }}",
        "{{ salespulse.delete_rows_gone_from('activity_id', ref('stg_crm__activities')) }}",
    ],
) }}

{#
    The staging relations are read where used rather than through import CTEs: DuckDB
    materializes a CTE read twice, which here copies millions of rows per run.
#}
{% set staged_activities = ref('stg_crm__activities') %}
{% set staged_email_events = ref('stg_crm__email_events') %}

with

{% if is_incremental() %}

stored_loads as (

    select distinct load_id from {{ this }}

),

-- every load the stored rows were computed from: loads that ran before an earlier run
known_loads as (

    select load_id from stored_loads
    union
    select email_load_id from {{ this }} where email_load_id is not null

),

-- activities with a raw row, or an email event, written by a load the stored rows do not
-- know: new or changed activities; new, changed or re-assigned events
recomputed_by_load as (

    {{ salespulse.keys_of_unknown_loads(staged_activities, 'activity_id', 'stored_loads') }}

    union

    {{ salespulse.keys_of_unknown_loads(staged_email_events, 'activity_id', 'known_loads') }}

),

-- Every other activity's events were all written by known loads, so they were there when
-- its stored row was computed: it can only have lost events (deleted, or moved to another
-- activity, which writes the moved row in a new load). Its events, summed over those
-- activities, then fall short of the stored count. Only then (a rare run) are the count
-- and latest load of every activity's events compared with the stored ones; DuckDB does
-- not skip a join behind a false condition, so the flag filters both of its inputs.
events_lost as (

    select
        (
            select coalesce(sum(stored.email_events), 0)
            from {{ this }} as stored
            left join recomputed_by_load
                on stored.activity_id = recomputed_by_load.activity_id
            where recomputed_by_load.activity_id is null
        ) <> (
            select count(*)
            from {{ staged_email_events }} as email_events
            left join recomputed_by_load
                on email_events.activity_id = recomputed_by_load.activity_id
            where recomputed_by_load.activity_id is null
              and email_events.activity_id is not null
        ) as is_lost

),

email_fingerprints as (

    select activity_id, count(*) as email_events, max(load_id) as email_load_id
    from {{ staged_email_events }}
    where (select is_lost from events_lost)
    group by activity_id

),

-- activities whose email events differ in number or latest load from the stored ones
changed_emails as (

    select coalesce(email_fingerprints.activity_id, stored.activity_id) as activity_id
    from email_fingerprints
    full outer join (
        select activity_id, email_events, email_load_id from {{ this }}
        where email_events > 0 and (select is_lost from events_lost)
    ) as stored
        on email_fingerprints.activity_id = stored.activity_id
    where stored.activity_id is null
       or email_fingerprints.activity_id is null
       or email_fingerprints.email_events <> stored.email_events
       or email_fingerprints.email_load_id <> stored.email_load_id

),

recomputed as (

    select activity_id from recomputed_by_load
    union
    select activity_id from changed_emails

),

activities as (

    select raw_activities.*
    from {{ staged_activities }} as raw_activities
    inner join recomputed
        on raw_activities.activity_id = recomputed.activity_id

),

summarised_events as (

    select email_events.*
    from {{ staged_email_events }} as email_events
    inner join recomputed
        on email_events.activity_id = recomputed.activity_id

),

{% else %}

activities as (

    select * from {{ staged_activities }}

),

summarised_events as (

    select * from {{ staged_email_events }}

),

{% endif %}

email_summary as (

    select
        activity_id,
        min(case when event_type = 'delivered' then occurred_at end) as first_delivered_at,
        min(case when event_type = 'opened' then occurred_at end) as first_opened_at,
        count(*) as email_events,
        max(load_id) as email_load_id

    from summarised_events
    group by activity_id

),

final as (

    select
        activities.activity_id,
        activities.activity_type,
        activities.owner_id,
        activities.deal_id,
        activities.account_id,
        activities.occurred_at,
        activities.duration_minutes,
        email_summary.first_delivered_at,
        email_summary.first_opened_at,
        coalesce(email_summary.email_events, 0) as email_events,
        -- what the row was computed from, and by which dbt invocation
        activities.load_id,
        email_summary.email_load_id,
        '{{ invocation_id }}' as dbt_invocation_id

    from activities
    left join email_summary
        on activities.activity_id = email_summary.activity_id
    -- an activity without an id cannot be tracked; reconciliation reports such rows
    where activities.activity_id is not null

)

select * from final
