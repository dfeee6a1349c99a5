{#
    One row per rep and month in which the rep was employed, from the history start to the
    month containing the as-of date: new leads the rep owns (created in the month) and how
    many of them converted by the as-of date, new opportunities (deals the rep owns created
    in the month, any pipeline), and the opportunities the rep owned at the month's end
    (the current month: at the end of the as-of date): open ones and all ones created by
    then. Ownership is the deal's and lead's current owner as of the as-of date.
#}

with

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

leads as (

    select * from {{ ref('int_leads') }}

),

deals as (

    select * from {{ ref('int_deals') }}

),

-- each month to the one containing the as-of date, measured to its end (the current
-- month: to the day after the as-of date)
bounds as (

    select
        period_start as month_start,
        period_end as month_end,
        measured_to_exclusive as measured_to,
        is_complete_period

    from {{ ref('int_periods') }}
    where period_type = 'month'

),

rep_months as (

    select
        reps.user_id,
        bounds.month_start,
        bounds.month_end,
        bounds.measured_to,
        bounds.is_complete_period

    from reps
    inner join bounds
        on reps.hire_date < bounds.month_end
        and (reps.left_date is null or reps.left_date >= bounds.month_start)

),

lead_counts as (

    select
        owner_id as user_id,
        cohort_month as month_start,
        count(*) as new_leads,
        sum(case when is_converted then 1 else 0 end) as new_leads_converted

    from leads
    group by owner_id, cohort_month

),

opportunity_counts as (

    select
        rep_months.user_id,
        rep_months.month_start,
        sum(case when deals.created_date >= rep_months.month_start then 1 else 0 end) as new_opportunities,
        sum(case when deals.closed_date is null or deals.closed_date >= rep_months.measured_to then 1 else 0 end)
            as open_opportunities_at_end,
        count(*) as total_opportunities_at_end

    from rep_months
    inner join deals
        on rep_months.user_id = deals.owner_id
        and deals.created_date < rep_months.measured_to
    group by rep_months.user_id, rep_months.month_start

),

final as (

    select
        -- grain
        rep_months.user_id,
        reps.full_name as rep_name,
        reps.team_id,
        reps.team_name,
        reps.region,
        reps.manager_id,
        rep_months.month_start,
        rep_months.measured_to as measured_to_exclusive,
        -- leads and opportunities: 0 when none
        coalesce(lead_counts.new_leads, 0) as new_leads,
        coalesce(lead_counts.new_leads_converted, 0) as new_leads_converted,
        {{ salespulse.safe_divide('lead_counts.new_leads_converted', 'lead_counts.new_leads') }}
            as lead_to_opportunity_rate,
        coalesce(opportunity_counts.new_opportunities, 0) as new_opportunities,
        coalesce(opportunity_counts.open_opportunities_at_end, 0) as open_opportunities_at_end,
        coalesce(opportunity_counts.total_opportunities_at_end, 0) as total_opportunities_at_end,
        -- flags
        rep_months.is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from rep_months
    inner join reps
        on rep_months.user_id = reps.user_id
    left join lead_counts
        on rep_months.user_id = lead_counts.user_id
        and rep_months.month_start = lead_counts.month_start
    left join opportunity_counts
        on rep_months.user_id = opportunity_counts.user_id
        and rep_months.month_start = opportunity_counts.month_start

)

select * from final
