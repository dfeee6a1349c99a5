{#
    One row per employed rep and period (week, month, quarter, year): the rep's place by
    bookings, quota attainment, win rate and activity among the period's employed reps.
    Ties are broken deterministically: a missing value ranks last, then the rep id decides.
#}

with

reps as (

    select * from {{ ref('rep_performance') }}
    where is_employed

),

{% set rankings = [
    ('bookings', 'bookings'),
    ('attainment', 'quota_attainment'),
    ('win_rate', 'win_rate'),
    ('activity', 'activities'),
] %}

ranked as (

    select
        user_id,
        rep_name,
        team_id,
        team_name,
        manager_id,
        period_type,
        period_start,
        is_complete_period,
        is_ramping,
        bookings,
        quota_attainment,
        win_rate,
        activities,
        {%- for name, column in rankings %}
        row_number() over (
            partition by period_type, period_start
            order by case when {{ column }} is null then 1 else 0 end, {{ column }} desc, user_id
        ) as rank_by_{{ name }},
        {%- endfor %}
        count(*) over (partition by period_type, period_start) as reps_ranked

    from reps

),

final as (

    select
        ranked.*,
        {{ salespulse.as_of_date() }} as as_of_date
    from ranked

)

select * from final
