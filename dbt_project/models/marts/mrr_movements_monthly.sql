{#
    One row per month from the history start to the month containing the as-of date: the
    MRR bridge from the month's first day to the next month's first day (the current month:
    to the day after the as-of date, so nothing beyond the as-of date is measured). Each
    account's change between the two points is exactly one movement:

      start 0, end > 0, no MRR ever before the month  -> new
      start 0, end > 0, had MRR before the month      -> reactivation
      start > 0, end > start                          -> expansion   (end - start)
      start > 0, 0 < end < start                      -> contraction (start - end)
      start > 0, end 0                                -> churn       (start)

    so start + new + expansion - contraction - churn + reactivation = end holds exactly.
    MRR is in the reporting currency at each subscription's start-date rate
    (int_subscriptions), so exchange-rate moves never show up as movements.
    Logo churn lives in customer_churn_monthly and is not repeated here.
#}

with

mrr as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions') }}

),

first_mrr as (

    select
        account_id,
        min(start_date) as first_mrr_date

    from subscriptions
    where mrr > 0
    group by account_id

),

-- each month to the one containing the as-of date, measured to its end (the current
-- month: to the day after the as-of date)
bounds as (

    select
        period_start as month_start,
        measured_to_exclusive as measured_to,
        is_complete_period,
        cast({{ dbt.dateadd('month', -11, 'period_start') }} as date) as trailing_12_start

    from {{ ref('int_periods') }}
    where period_type = 'month'

),

account_months as (

    select
        bounds.month_start,
        bounds.measured_to,
        opening.account_id,
        opening.mrr as mrr_at_start,
        closing.mrr as mrr_at_end,
        coalesce(first_mrr.first_mrr_date < bounds.month_start, false) as had_mrr_before

    from bounds
    inner join mrr as opening
        on opening.measured_on = bounds.month_start
    inner join mrr as closing
        on closing.account_id = opening.account_id
        and closing.measured_on = bounds.measured_to
    left join first_mrr
        on opening.account_id = first_mrr.account_id

),

classified as (

    select
        account_months.*,
        case
            when mrr_at_start = 0 and mrr_at_end > 0 and not had_mrr_before then 'new'
            when mrr_at_start = 0 and mrr_at_end > 0 then 'reactivation'
            when mrr_at_start > 0 and mrr_at_end = 0 then 'churn'
            when mrr_at_start > 0 and mrr_at_end > mrr_at_start then 'expansion'
            when mrr_at_start > 0 and mrr_at_end < mrr_at_start then 'contraction'
        end as movement

    from account_months

),

movements as (

    select
        month_start,
        measured_to,
        sum(case when mrr_at_start > 0 then 1 else 0 end) as customers_at_start,
        sum(case when mrr_at_end > 0 then 1 else 0 end) as customers_at_end,
        sum(mrr_at_start) as mrr_at_start,
        sum(case when movement = 'new' then mrr_at_end else 0 end) as new_mrr,
        sum(case when movement = 'expansion' then mrr_at_end - mrr_at_start else 0 end) as expansion_mrr,
        sum(case when movement = 'contraction' then mrr_at_start - mrr_at_end else 0 end) as contraction_mrr,
        sum(case when movement = 'churn' then mrr_at_start else 0 end) as churned_mrr,
        sum(case when movement = 'reactivation' then mrr_at_end else 0 end) as reactivation_mrr,
        sum(mrr_at_end) as mrr_at_end,
        sum(case when movement = 'new' then 1 else 0 end) as new_customers,
        sum(case when movement = 'expansion' then 1 else 0 end) as expansion_customers,
        sum(case when movement = 'contraction' then 1 else 0 end) as contraction_customers,
        sum(case when movement = 'churn' then 1 else 0 end) as churned_customers,
        sum(case when movement = 'reactivation' then 1 else 0 end) as reactivated_customers

    from classified
    group by month_start, measured_to

),

-- Trailing twelve months: the accounts with MRR on the first day of the month eleven
-- months earlier, and their MRR at this month's closing point.
trailing_12 as (

    select
        bounds.month_start,
        sum(window_start.mrr) as t12m_mrr_at_start,
        sum(window_end.mrr) as t12_mrr_retained,
        sum(case when window_end.mrr < window_start.mrr then window_end.mrr else window_start.mrr end)
            as t12_mrr_retained_capped

    from bounds
    inner join mrr as window_start
        on window_start.measured_on = bounds.trailing_12_start
        and window_start.mrr > 0
    inner join mrr as window_end
        on window_end.account_id = window_start.account_id
        and window_end.measured_on = bounds.measured_to
    group by bounds.month_start

),

final as (

    select
        -- grain
        bounds.month_start,
        bounds.measured_to as measured_to_exclusive,
        -- the bridge (reporting currency); a month without customers has zeros
        coalesce(movements.mrr_at_start, 0) as mrr_at_start,
        coalesce(movements.new_mrr, 0) as new_mrr,
        coalesce(movements.expansion_mrr, 0) as expansion_mrr,
        coalesce(movements.contraction_mrr, 0) as contraction_mrr,
        coalesce(movements.churned_mrr, 0) as churned_mrr,
        coalesce(movements.reactivation_mrr, 0) as reactivation_mrr,
        coalesce(movements.mrr_at_end, 0) as mrr_at_end,
        coalesce(movements.new_mrr + movements.expansion_mrr + movements.reactivation_mrr
            - movements.contraction_mrr - movements.churned_mrr, 0) as net_new_mrr,
        -- account counts per movement
        coalesce(movements.customers_at_start, 0) as customers_at_start,
        coalesce(movements.new_customers, 0) as new_customers,
        coalesce(movements.expansion_customers, 0) as expansion_customers,
        coalesce(movements.contraction_customers, 0) as contraction_customers,
        coalesce(movements.churned_customers, 0) as churned_customers,
        coalesce(movements.reactivated_customers, 0) as reactivated_customers,
        coalesce(movements.customers_at_end, 0) as customers_at_end,
        -- retention (monthly)
        {{ salespulse.safe_divide(
            'movements.mrr_at_start - movements.contraction_mrr - movements.churned_mrr',
            'movements.mrr_at_start') }} as gross_revenue_retention,
        {{ salespulse.safe_divide(
            'movements.mrr_at_start + movements.expansion_mrr - movements.contraction_mrr - movements.churned_mrr',
            'movements.mrr_at_start') }} as net_revenue_retention,
        -- retention (trailing twelve months)
        trailing_12.t12m_mrr_at_start,
        {{ salespulse.safe_divide('trailing_12.t12_mrr_retained_capped', 'trailing_12.t12m_mrr_at_start') }}
            as gross_revenue_retention_t12m,
        {{ salespulse.safe_divide('trailing_12.t12_mrr_retained', 'trailing_12.t12m_mrr_at_start') }}
            as net_revenue_retention_t12m,
        -- flags
        bounds.is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from bounds
    left join movements
        on bounds.month_start = movements.month_start
    left join trailing_12
        on bounds.month_start = trailing_12.month_start

)

select * from final
