{#
    One row per rep and fiscal quarter, from the history start to the quarter containing
    the as-of date, for every quarter the rep was employed in (and any later quarter in
    which surveys on the rep's deals arrived): CSAT surveys answered in the quarter about
    the rep's customers (survey owner = the deal owner), their average score and the share
    scoring 4 or 5. There is no canonical survey model, so this reads staging (surveys
    answered before the as-of cutoff).
#}

with

calendar as (

    select * from {{ ref('int_calendar') }}

),

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

surveys as (

    select
        survey_id,
        owner_id,
        score,
        {{ salespulse.period_start('quarter', salespulse.local_date('responded_at')) }} as quarter_start

    from {{ ref('stg_crm__csat_surveys') }}
    where responded_at < {{ salespulse.as_of_cutoff() }}
      and score is not null

),

quarters as (

    select distinct quarter_start from calendar

),

rep_quarters as (

    select
        reps.user_id,
        quarters.quarter_start

    from reps
    inner join quarters
        on reps.hire_date < {{ salespulse.period_end('quarter', 'quarters.quarter_start') }}
        and (reps.left_date is null or reps.left_date >= quarters.quarter_start)

    union

    select distinct
        reps.user_id,
        quarters.quarter_start

    from surveys
    inner join reps
        on surveys.owner_id = reps.user_id
    inner join quarters
        on surveys.quarter_start = quarters.quarter_start

),

survey_counts as (

    select
        owner_id as user_id,
        quarter_start,
        count(*) as surveys,
        sum(score) as score_sum,
        sum(case when score >= 4 then 1 else 0 end) as satisfied_surveys

    from surveys
    group by owner_id, quarter_start

),

final as (

    select
        -- grain
        rep_quarters.user_id,
        reps.full_name as rep_name,
        reps.team_id,
        reps.team_name,
        reps.region,
        reps.manager_id,
        rep_quarters.quarter_start,
        {{ salespulse.period_end('quarter', 'rep_quarters.quarter_start') }} as quarter_end,
        -- surveys: 0 when none
        coalesce(survey_counts.surveys, 0) as surveys,
        coalesce(survey_counts.score_sum, 0) as score_sum,
        coalesce(survey_counts.satisfied_surveys, 0) as satisfied_surveys,
        {{ salespulse.safe_divide('survey_counts.score_sum', 'survey_counts.surveys') }} as avg_csat_score,
        {{ salespulse.safe_divide('survey_counts.satisfied_surveys', 'survey_counts.surveys') }} as csat_pct,
        -- flags
        ({{ salespulse.period_end('quarter', 'rep_quarters.quarter_start') }} <= {{ salespulse.as_of_next_day() }})
            as is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from rep_quarters
    inner join reps
        on rep_quarters.user_id = reps.user_id
    left join survey_counts
        on rep_quarters.user_id = survey_counts.user_id
        and rep_quarters.quarter_start = survey_counts.quarter_start

)

select * from final
