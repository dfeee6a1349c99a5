{#
    One row per month from the history start to the month containing the as-of date:
    customers and MRR at the month's start, customers and MRR lost by the month's end
    (or by the end of the as-of date for the current month), logo and revenue churn.
    A customer is an account with MRR > 0. A subscription ending after the as-of date is
    active; no customer is counted lost at the edge of the data.
#}

with

mrr as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

bounds as (

    select period_start as month_start, measured_to_exclusive as measured_to, is_complete_period
    from {{ ref('int_periods') }}
    where period_type = 'month'

),

account_months as (

    select
        bounds.month_start,
        bounds.measured_to,
        bounds.is_complete_period,
        opening.account_id,
        opening.mrr as mrr_at_start,
        closing.mrr as mrr_at_end

    from bounds
    inner join mrr as opening
        on opening.measured_on = bounds.month_start
    inner join mrr as closing
        on closing.account_id = opening.account_id
        and closing.measured_on = bounds.measured_to

),

final as (

    select
        month_start,
        measured_to as measured_to_exclusive,
        sum(case when mrr_at_start > 0 then 1 else 0 end) as customers_at_start,
        sum(case when mrr_at_start > 0 and mrr_at_end = 0 then 1 else 0 end) as customers_churned,
        sum(case when mrr_at_start = 0 and mrr_at_end > 0 then 1 else 0 end) as customers_added,
        sum(mrr_at_start) as mrr_at_start,
        sum(case when mrr_at_start > 0 and mrr_at_end = 0 then mrr_at_start else 0 end) as mrr_churned,
        {{ salespulse.safe_divide(
            'sum(case when mrr_at_start > 0 and mrr_at_end = 0 then 1 else 0 end)',
            'sum(case when mrr_at_start > 0 then 1 else 0 end)') }} as logo_churn_rate,
        {{ salespulse.safe_divide(
            'sum(case when mrr_at_start > 0 and mrr_at_end = 0 then mrr_at_start else 0 end)',
            'sum(mrr_at_start)') }} as revenue_churn_rate,
        is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from account_months
    group by month_start, measured_to, is_complete_period

)

select * from final
