{#
    One row per sales activity before the as-of cutoff, with its local date and week, and
    for emails whether they were delivered and opened by the cutoff. Activities that break
    a row-level rule are quarantined (int_quarantine_activities) and left out.

    A view: what depends on the as-of date (the cutoff, the quarantine, the local date) is
    applied here to int_activities_loaded, which holds every extracted activity and is
    refreshed incrementally. Readers pay a filter and a join with the few quarantined ids.
#}

{{ config(materialized='view') }}

with

quarantined as (

    select distinct activity_id from {{ ref('int_quarantine_activities') }}

),

activities as (

    -- activities that break a row-level rule (int_quarantine_activities) are left out
    select loaded.*
    from {{ ref('int_activities_loaded') }} as loaded
    left join quarantined
        on loaded.activity_id = quarantined.activity_id
    where loaded.occurred_at < {{ salespulse.as_of_cutoff() }}
      and quarantined.activity_id is null

),

final as (

    select
        activity_id,
        activity_type,
        owner_id,
        deal_id,
        account_id,
        occurred_at,
        {{ salespulse.local_date('occurred_at') }} as activity_date,
        duration_minutes,
        case
            when activity_type = 'email'
            then coalesce(first_delivered_at < {{ salespulse.as_of_cutoff() }}, false)
        end as is_delivered,
        case
            when activity_type = 'email'
            then coalesce(first_opened_at < {{ salespulse.as_of_cutoff() }}, false)
        end as is_opened,
        -- lineage: the dlt load of the activity's raw row
        load_id

    from activities

)

select * from final
