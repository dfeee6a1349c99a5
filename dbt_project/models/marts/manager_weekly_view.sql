{#
    The manager's weekly review: one row per team and ISO week, with the team's week, the
    month the week starts in (bookings against quota, share of reps at quota) and how many
    of the team's reps carry underperformer flags that month.
#}

with

teams as (

    select * from {{ ref('team_performance') }}
    where scope = 'team'

),

weeks as (

    select * from teams
    where period_type = 'week'

),

months as (

    select * from teams
    where period_type = 'month'

),

flagged_reps as (

    select
        team_id,
        period_start,
        sum(case when is_underperformer then 1 else 0 end) as reps_flagged,
        count(*) as reps

    from {{ ref('rep_performance') }}
    where period_type = 'month' and is_employed
    group by team_id, period_start

),

final as (

    select
        weeks.team_id,
        weeks.team_name,
        weeks.region,
        weeks.manager_id,
        weeks.period_start as week_start,
        weeks.is_complete_period as is_complete_week,
        -- the week
        weeks.bookings,
        weeks.deals_won,
        weeks.deals_lost,
        weeks.win_rate,
        weeks.activities,
        weeks.opportunities_created,
        weeks.bookings_growth as bookings_growth_week_over_week,
        -- the month the week starts in
        months.period_start as month_start,
        months.bookings as month_bookings,
        months.quota as month_quota,
        months.quota_attainment as month_quota_attainment,
        months.quota_attainment_rate as month_quota_attainment_rate,
        months.reps_eligible as month_reps_eligible,
        coalesce(flagged_reps.reps_flagged, 0) as month_reps_flagged,
        {{ salespulse.as_of_date() }} as as_of_date

    from weeks
    left join months
        on weeks.team_id = months.team_id
        and weeks.period_start >= months.period_start
        and weeks.period_start < months.period_end
    left join flagged_reps
        on months.team_id = flagged_reps.team_id
        and months.period_start = flagged_reps.period_start

)

select * from final
