{#
    The rep's weekly review: one row per employed rep and ISO week, with the week's own
    numbers, the month and fiscal quarter the week starts in (bookings against quota so
    far), the week's leaderboard place and the month's underperformer flags.
#}

with

performance as (

    select * from {{ ref('rep_performance') }}

),

weeks as (

    select * from performance
    where period_type = 'week' and is_employed

),

months as (

    select * from performance
    where period_type = 'month'

),

quarters as (

    select * from performance
    where period_type = 'quarter'

),

ranks as (

    select user_id, period_start, rank_by_bookings, reps_ranked
    from {{ ref('leaderboard') }}
    where period_type = 'week'

),

final as (

    select
        weeks.user_id,
        weeks.rep_name,
        weeks.team_id,
        weeks.team_name,
        weeks.manager_id,
        weeks.period_start as week_start,
        weeks.is_complete_period as is_complete_week,
        weeks.is_ramping,
        -- the week
        weeks.bookings,
        weeks.deals_won,
        weeks.deals_lost,
        weeks.win_rate,
        weeks.calls,
        weeks.meetings,
        weeks.emails,
        weeks.demos,
        weeks.activities,
        weeks.opportunities_created,
        weeks.open_deals,
        weeks.open_pipeline,
        ranks.rank_by_bookings,
        ranks.reps_ranked,
        -- the month and quarter the week starts in
        months.period_start as month_start,
        months.bookings as month_bookings,
        months.quota as month_quota,
        months.quota_attainment as month_quota_attainment,
        months.pipeline_coverage as month_pipeline_coverage,
        months.underperformer_reasons as month_underperformer_reasons,
        quarters.period_start as quarter_start,
        quarters.bookings as quarter_bookings,
        quarters.quota as quarter_quota,
        quarters.quota_attainment as quarter_quota_attainment,
        {{ salespulse.as_of_date() }} as as_of_date

    from weeks
    left join months
        on weeks.user_id = months.user_id
        and weeks.period_start >= months.period_start
        and weeks.period_start < months.period_end
    left join quarters
        on weeks.user_id = quarters.user_id
        and weeks.period_start >= quarters.period_start
        and weeks.period_start < quarters.period_end
    left join ranks
        on weeks.user_id = ranks.user_id
        and weeks.period_start = ranks.period_start

)

select * from final
