{#
    One row per rep and ISO week (Monday) in which the rep was employed, from the history
    start to the week containing the as-of date: activity counts, email delivery and opens,
    deals won, and conversion per activity. Every rep-week row exists; counts are 0 when the
    rep had no activity, ratios null.

    Conversion per activity is measured on the deals the rep closed in the week (won or
    lost, by closed_date, owner = rep): won deals that had at least one demo (meeting) /
    demos (meetings) held on all those closed deals. Numerator and denominator are kept as
    columns so months and quarters re-aggregate exactly (sum both, then divide).
#}

with

calendar as (

    select * from {{ ref('int_calendar') }}

),

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

activities as (

    select * from {{ ref('int_activities') }}

),

deals as (

    select * from {{ ref('int_deals') }}

),

weeks as (

    select distinct
        week_start,
        {{ salespulse.period_end('week', 'week_start') }} as week_end

    from calendar

),

rep_weeks as (

    select
        reps.user_id,
        weeks.week_start,
        weeks.week_end

    from reps
    inner join weeks
        on reps.hire_date < weeks.week_end
        and (reps.left_date is null or reps.left_date >= weeks.week_start)

),

-- per rep and day first (stored incrementally), then per week
activity_counts as (

    select
        activity_days.owner_id as user_id,
        calendar.week_start,
        sum(activity_days.calls) as calls,
        sum(activity_days.meetings) as meetings,
        sum(activity_days.emails) as emails,
        sum(activity_days.demos) as demos,
        sum(activity_days.emails_delivered) as emails_delivered,
        sum(activity_days.emails_opened) as emails_opened

    from {{ ref('int_activity_days') }} as activity_days
    inner join calendar
        on activity_days.activity_date = calendar.date_day
    group by activity_days.owner_id, calendar.week_start

),

-- demos and meetings held on each deal (by anyone, before the as-of cutoff)
deal_activity as (

    select
        deal_id,
        sum(case when activity_type = 'demo' then 1 else 0 end) as demos,
        sum(case when activity_type = 'meeting' then 1 else 0 end) as meetings

    from activities
    where deal_id is not null
    group by deal_id

),

closed_deals as (

    select
        deals.owner_id as user_id,
        calendar.week_start,
        case when deals.deal_status = 'won' then 1 else 0 end as is_won,
        coalesce(deal_activity.demos, 0) as demos,
        coalesce(deal_activity.meetings, 0) as meetings

    from deals
    inner join calendar
        on deals.closed_date = calendar.date_day
    left join deal_activity
        on deals.deal_id = deal_activity.deal_id
    where deals.deal_status in ('won', 'lost')

),

closed_deal_counts as (

    select
        user_id,
        week_start,
        sum(is_won) as deals_won,
        count(*) as deals_closed,
        sum(demos) as demos_on_closed_deals,
        sum(case when is_won = 1 and demos > 0 then 1 else 0 end) as won_deals_with_demo,
        sum(meetings) as meetings_on_closed_deals,
        sum(case when is_won = 1 and meetings > 0 then 1 else 0 end) as won_deals_with_meeting

    from closed_deals
    group by user_id, week_start

),

final as (

    select
        -- grain
        rep_weeks.user_id,
        reps.full_name as rep_name,
        reps.team_id,
        reps.team_name,
        reps.region,
        reps.manager_id,
        rep_weeks.week_start,
        rep_weeks.week_end,
        -- activity counts: 0 when none
        coalesce(activity_counts.calls, 0) as calls,
        coalesce(activity_counts.meetings, 0) as meetings,
        coalesce(activity_counts.emails, 0) as emails,
        coalesce(activity_counts.demos, 0) as demos,
        coalesce(activity_counts.calls + activity_counts.meetings + activity_counts.emails
            + activity_counts.demos, 0) as activities,
        coalesce(activity_counts.emails_delivered, 0) as emails_delivered,
        coalesce(activity_counts.emails_opened, 0) as emails_opened,
        {{ salespulse.safe_divide('activity_counts.emails_opened', 'activity_counts.emails_delivered') }}
            as email_open_rate,
        -- outcomes of the deals closed in the week
        coalesce(closed_deal_counts.deals_won, 0) as deals_won,
        coalesce(closed_deal_counts.deals_closed, 0) as deals_closed,
        coalesce(closed_deal_counts.won_deals_with_demo, 0) as won_deals_with_demo,
        coalesce(closed_deal_counts.demos_on_closed_deals, 0) as demos_on_closed_deals,
        coalesce(closed_deal_counts.won_deals_with_meeting, 0) as won_deals_with_meeting,
        coalesce(closed_deal_counts.meetings_on_closed_deals, 0) as meetings_on_closed_deals,
        {{ salespulse.safe_divide('closed_deal_counts.won_deals_with_demo', 'closed_deal_counts.demos_on_closed_deals') }}
            as won_per_demo,
        {{ salespulse.safe_divide('closed_deal_counts.won_deals_with_meeting', 'closed_deal_counts.meetings_on_closed_deals') }}
            as won_per_meeting,
        -- flags
        (rep_weeks.week_end <= {{ salespulse.as_of_next_day() }}) as is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from rep_weeks
    inner join reps
        on rep_weeks.user_id = reps.user_id
    left join activity_counts
        on rep_weeks.user_id = activity_counts.user_id
        and rep_weeks.week_start = activity_counts.week_start
    left join closed_deal_counts
        on rep_weeks.user_id = closed_deal_counts.user_id
        and rep_weeks.week_start = closed_deal_counts.week_start

)

select * from final
