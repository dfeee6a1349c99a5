{#
    One row per team and local day with anything that team and company KPIs add up: deals
    won, lost and created, leads, reps' monthly quotas (on the month's first day) and
    activities, each credited to the team its owner belonged to on that day
    (salespulse.with_owner_team). Counts are 0 and amounts null when the day has none.

    Each fact is one row with every measure a column (an owner's activities of a day are
    one row, not one per type), and the rows are summed per team and day here: at 1M deals
    4.0M facts make 0.38M team-days, which team_performance sums per period.
#}

{%- set count_columns = ['deals_won', 'deals_lost', 'won_deals_with_amount', 'opportunities_created', 'leads_created'] %}
{%- set amount_columns = ['bookings', 'lost_amount', 'won_cycle_seconds', 'quota'] %}
{%- set activity_columns = salespulse.activity_types() | map(attribute=1) | list %}

with

deals as (

    select owner_id, deal_status, amount, created_date, closed_date, sales_cycle_seconds
    from {{ ref('int_deals') }}

),

-- one row per fact, every measure a column (counts 0, amounts null where not the fact's)
-- (the later branches list them in the first branch's order: the five counts, the four
-- amounts, then the activity counts)
facts as (

    select
        owner_id,
        closed_date as event_date,
        case when deal_status = 'won' then 1 else 0 end as deals_won,
        case when deal_status = 'lost' then 1 else 0 end as deals_lost,
        case when deal_status = 'won' and amount is not null then 1 else 0 end as won_deals_with_amount,
        0 as opportunities_created,
        0 as leads_created,
        case when deal_status = 'won' then amount end as bookings,
        case when deal_status = 'lost' then amount end as lost_amount,
        case when deal_status = 'won' then sales_cycle_seconds end as won_cycle_seconds,
        null as quota,
        {%- for column in activity_columns %}
        0 as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from deals
    where deal_status in ('won', 'lost')

    union all

    select owner_id, created_date, 0, 0, 0, 1, 0, null, null, null, null
        {%- for column in activity_columns %}, 0{% endfor %}
    from deals

    union all

    select owner_id, created_date, 0, 0, 0, 0, 1, null, null, null, null
        {%- for column in activity_columns %}, 0{% endfor %}
    from {{ ref('int_leads') }}

    union all

    select user_id, month_start, 0, 0, 0, 0, 0, null, null, null, quota_amount
        {%- for column in activity_columns %}, 0{% endfor %}
    from {{ ref('int_rep_quotas_monthly') }}

    union all

    select owner_id, activity_date, 0, 0, 0, 0, 0, null, null, null, null
        {%- for column in activity_columns %}, {{ column }}{% endfor %}
    from {{ ref('int_activity_days') }}

),

facts_with_team as (

    {{ salespulse.with_owner_team('facts', 'owner_id', 'event_date') }}

),

final as (

    select
        team_id,
        event_date,
        {%- for column in count_columns + amount_columns + activity_columns %}
        sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from facts_with_team
    group by team_id, event_date

)

select * from final
