{#
    One row per rep and month in which the rep was employed, from the history start to the
    month containing the as-of date: new leads the rep owns (created in the month) and how
    many of them converted by the as-of date, new opportunities (deals the rep owns created
    in the month, any pipeline), and the opportunities the rep owned at the month's end
    (the current month: at the end of the as-of date): open ones and all ones created by
    then. Ownership is the deal's and lead's current owner as of the as-of date.
#}

{#
    int_deals is read where used rather than through an import CTE: DuckDB materializes a
    CTE read twice, which here would copy every deal with every column.
#}
{% set deals = ref('int_deals') %}
{% set closed_or_created = 'case when closed_date > created_date then closed_date else created_date end' %}

with

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

leads as (

    select * from {{ ref('int_leads') }}

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

-- Deals created, and deals created and closed, per owner and calendar month: a deal counts
-- as closed in the month of the later of its creation and its close (a close may be
-- recorded up to a day before the creation: int_stage_entries' allowance).
deal_month_counts as (

    select user_id, month_start, sum(created_deals) as created_deals, sum(closed_deals) as closed_deals
    from (
        select
            owner_id as user_id,
            {{ salespulse.period_start('month', 'created_date') }} as month_start,
            count(*) as created_deals,
            0 as closed_deals
        from {{ deals }}
        where owner_id is not null
        group by owner_id, {{ salespulse.period_start('month', 'created_date') }}

        union all

        select
            owner_id as user_id,
            {{ salespulse.period_start('month', closed_or_created) }} as month_start,
            0 as created_deals,
            count(*) as closed_deals
        from {{ deals }}
        where owner_id is not null
          and closed_date is not null
        group by owner_id, {{ salespulse.period_start('month', closed_or_created) }}
    ) as counts
    group by user_id, month_start

),

-- The opportunities a rep owns at a month's end are the deals created by then; the open
-- ones, those less the deals created and closed by then. A month is measured to its end,
-- the current one to the day after the as-of date, after which int_deals holds no
-- creation or close: so "by the month's end" is "in the month or before", and both are
-- running sums of the monthly counts, in month order, over every month with a count or a
-- rep month (a rep's deals from before the hire count too). (Joined instead with every
-- deal created before each rep month's end, the model made 10M rows at 1M deals.) The
-- month is never null: `nulls first` changes nothing, and spelling it out lets the
-- windows transpile to BigQuery (tests/test_portable_sql.py).
{% set month_order -%}
    partition by coalesce(rep_months.user_id, deal_month_counts.user_id)
    order by coalesce(rep_months.month_start, deal_month_counts.month_start) nulls first
    rows between unbounded preceding and current row
{%- endset %}
opportunity_counts as (

    select
        user_id,
        month_start,
        new_opportunities,
        total_opportunities_at_end - closed_opportunities_at_end as open_opportunities_at_end,
        -- a count, as the other models' counts of rows
        cast(total_opportunities_at_end as {{ dbt.type_bigint() }}) as total_opportunities_at_end

    from (
        select
            coalesce(rep_months.user_id, deal_month_counts.user_id) as user_id,
            coalesce(rep_months.month_start, deal_month_counts.month_start) as month_start,
            (rep_months.user_id is not null) as is_rep_month,
            coalesce(deal_month_counts.created_deals, 0) as new_opportunities,
            sum(coalesce(deal_month_counts.created_deals, 0)) over ({{ month_order }}) as total_opportunities_at_end,
            sum(coalesce(deal_month_counts.closed_deals, 0)) over ({{ month_order }}) as closed_opportunities_at_end

        from rep_months
        full outer join deal_month_counts
            on rep_months.user_id = deal_month_counts.user_id
            and rep_months.month_start = deal_month_counts.month_start
    ) as running
    where is_rep_month

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
