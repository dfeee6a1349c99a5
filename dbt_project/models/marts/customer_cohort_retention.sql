{#
    One row per customer cohort (month of the first MRR) and month since the cohort month
    (0 = the cohort month itself), up to the month containing the as-of date: how many of
    the cohort's customers have MRR at the end of that month (the current month: at the end
    of the as-of date), the logo retention rate, and the cohort's MRR then relative to its
    first-ever MRR. Reactivated customers count as active again, so a curve can rise.
#}

with

customers as (

    select * from {{ ref('int_customer_accounts') }}

),

mrr as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

bounds as (

    select period_start as month_start, measured_to_exclusive as measured_to, is_complete_period
    from {{ ref('int_periods') }}
    where period_type = 'month'

),

cohorts as (

    select
        cohort_month,
        count(*) as cohort_customers,
        sum(first_mrr) as cohort_first_mrr

    from customers
    group by cohort_month

),

cohort_months as (

    select
        cohorts.cohort_month,
        cohorts.cohort_customers,
        cohorts.cohort_first_mrr,
        bounds.month_start,
        bounds.measured_to,
        bounds.is_complete_period,
        {{ dbt.datediff('cohorts.cohort_month', 'bounds.month_start', 'month') }} as months_since_start

    from cohorts
    inner join bounds
        on bounds.month_start >= cohorts.cohort_month

),

active as (

    select
        cohort_months.cohort_month,
        cohort_months.month_start,
        sum(case when mrr.mrr > 0 then 1 else 0 end) as customers_active,
        sum(mrr.mrr) as mrr_active

    from cohort_months
    inner join customers
        on cohort_months.cohort_month = customers.cohort_month
    inner join mrr
        on customers.account_id = mrr.account_id
        and cohort_months.measured_to = mrr.measured_on
    group by cohort_months.cohort_month, cohort_months.month_start

),

final as (

    select
        -- grain
        cohort_months.cohort_month,
        cohort_months.months_since_start,
        cohort_months.month_start,
        cohort_months.measured_to as measured_to_exclusive,
        -- customers
        cohort_months.cohort_customers,
        coalesce(active.customers_active, 0) as customers_active,
        {{ salespulse.safe_divide('coalesce(active.customers_active, 0)', 'cohort_months.cohort_customers') }}
            as retention_rate,
        -- revenue
        cohort_months.cohort_first_mrr,
        coalesce(active.mrr_active, 0) as mrr_active,
        {{ salespulse.safe_divide('coalesce(active.mrr_active, 0)', 'cohort_months.cohort_first_mrr') }}
            as mrr_retention_rate,
        -- flags
        cohort_months.is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from cohort_months
    left join active
        on cohort_months.cohort_month = active.cohort_month
        and cohort_months.month_start = active.month_start

)

select * from final
