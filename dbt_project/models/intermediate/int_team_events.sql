{#
    One row per dated event that team and company KPIs add up (a deal won, lost or created,
    a lead, a rep's monthly quota; activities come counted, one row per owner, day and type
    with `event_count` of them), credited to the team its owner belonged to
    on that date: a rep who moved teams mid-quarter counts in each team for the days they
    were in it. Events of owners with no team stint on the date fall back to the owner's
    current team, else to 'unassigned', so team totals add up to the company total.
#}

with

deals as (

    select * from {{ ref('int_deals') }}

),

activity_types as (

    {% for activity_type, column in salespulse.activity_types() -%}
    {{ 'union all ' if not loop.first }}select '{{ activity_type }}' as event_type
    {% endfor %}

),

-- activities come counted per owner and day (int_activity_days, read once): a row per type
activity_events as (

    select
        activity_days.owner_id,
        activity_days.activity_date as event_date,
        activity_types.event_type,
        case activity_types.event_type
            {% for activity_type, column in salespulse.activity_types() -%}
            when '{{ activity_type }}' then activity_days.{{ column }}
            {% endfor -%}
        end as event_count

    from {{ ref('int_activity_days') }} as activity_days
    cross join activity_types

),

events as (

    select owner_id, closed_date as event_date, deal_status as event_type, 1 as event_count,
        amount, sales_cycle_seconds, sales_cycle_days
    from deals
    where deal_status in ('won', 'lost')

    union all

    select owner_id, created_date as event_date, 'deal_created' as event_type, 1 as event_count,
        amount, null as sales_cycle_seconds, null as sales_cycle_days
    from deals

    union all

    select owner_id, event_date, event_type, event_count,
        null as amount, null as sales_cycle_seconds, null as sales_cycle_days
    from activity_events
    where event_count > 0

    union all

    select owner_id, created_date as event_date, 'lead_created' as event_type, 1 as event_count,
        null as amount, null as sales_cycle_seconds, null as sales_cycle_days
    from {{ ref('int_leads') }}

    union all

    select user_id as owner_id, month_start as event_date, 'quota' as event_type, 1 as event_count,
        quota_amount as amount, null as sales_cycle_seconds, null as sales_cycle_days
    from {{ ref('int_rep_quotas_monthly') }}

),

memberships as (

    select * from {{ ref('int_team_memberships') }}

),

users as (

    select user_id, team_id from {{ ref('int_users') }}

),

final as (

    select
        events.event_type,
        events.event_count,
        events.owner_id,
        events.event_date,
        coalesce(memberships.team_id, users.team_id, 'unassigned') as team_id,
        events.amount,
        events.sales_cycle_seconds,
        events.sales_cycle_days

    from events
    left join memberships
        on events.owner_id = memberships.user_id
        and memberships.valid_from <= events.event_date
        and (memberships.valid_to_exclusive is null or events.event_date < memberships.valid_to_exclusive)
    left join users
        on events.owner_id = users.user_id

)

select * from final
