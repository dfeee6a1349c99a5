{#
    One row per rep and reporting period (week, month, fiscal quarter, fiscal year) from the
    rep's hire to the period containing the as-of date: the spine every rep KPI is computed
    on, so a rep with no activity still has a row, and a deal that closes after its owner
    left still counts (in a row flagged not employed). The team is the one
    the rep belonged to on the period's first day of employment; a rep the CRM puts in no
    team (Pipedrive has no teams) counts in the team 'unassigned', so team and company
    roll-ups never lose them.
#}

with

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

periods as (

    select * from {{ ref('int_periods') }}

),

memberships as (

    select * from {{ ref('int_team_memberships') }}

),

rep_periods as (

    select
        reps.user_id,
        reps.full_name as rep_name,
        reps.team_id as current_team_id,
        reps.region as current_region,
        periods.period_type,
        periods.period_start,
        periods.period_end,
        periods.is_complete_period,
        case
            when reps.hire_date > periods.period_start then reps.hire_date
            else periods.period_start
        end as first_day_employed,
        (periods.period_start < reps.ramp_end_date) as is_ramping,
        (reps.left_date is null or reps.left_date >= periods.period_start) as is_employed

    from reps
    inner join periods
        on reps.hire_date < periods.period_end

),

final as (

    select
        rep_periods.user_id,
        rep_periods.rep_name,
        rep_periods.period_type,
        rep_periods.period_start,
        rep_periods.period_end,
        rep_periods.is_complete_period,
        rep_periods.is_ramping,
        rep_periods.is_employed,
        coalesce(memberships.team_id, rep_periods.current_team_id, 'unassigned') as team_id,
        memberships.team_name,
        coalesce(memberships.region, rep_periods.current_region) as region,
        memberships.manager_id

    from rep_periods
    left join memberships
        on rep_periods.user_id = memberships.user_id
        and memberships.valid_from <= rep_periods.first_day_employed
        and (memberships.valid_to_exclusive is null
             or memberships.valid_to_exclusive > rep_periods.first_day_employed)

)

select * from final
