{#
    One row per sales activity before the as-of cutoff, with its local date and week, and
    for emails whether they were delivered and opened by the cutoff. Activities that break
    a row-level rule are quarantined (int_quarantine_activities) and left out.
#}

with

quarantined as (

    select distinct activity_id from {{ ref('int_quarantine_activities') }}

),

activities as (

    -- activities that break a row-level rule (int_quarantine_activities) are left out
    select raw.*
    from {{ ref('stg_crm__activities') }} as raw
    left join quarantined
        on raw.activity_id = quarantined.activity_id
    where raw.occurred_at < {{ salespulse.as_of_cutoff() }}
      and quarantined.activity_id is null

),

email_outcomes as (

    select
        activity_id,
        max(case when event_type = 'delivered' then 1 else 0 end) as is_delivered,
        max(case when event_type = 'opened' then 1 else 0 end) as is_opened

    from {{ ref('stg_crm__email_events') }}
    where occurred_at < {{ salespulse.as_of_cutoff() }}
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
        {{ salespulse.local_date('activities.occurred_at') }} as activity_date,
        activities.duration_minutes,
        case when activities.activity_type = 'email' then coalesce(email_outcomes.is_delivered, 0) = 1 end
            as is_delivered,
        case when activities.activity_type = 'email' then coalesce(email_outcomes.is_opened, 0) = 1 end
            as is_opened

    from activities
    left join email_outcomes
        on activities.activity_id = email_outcomes.activity_id

)

select * from final
