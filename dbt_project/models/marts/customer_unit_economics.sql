{#
    One row per period (month, and fiscal quarter) from the history start to the period
    containing the as-of date: new customers and their first MRR, new-business bookings,
    sales and marketing spend, CAC, sales efficiency, ARPA, monthly logo churn and customer
    lifetime value. Customers, MRR and churn per month come from customer_churn_monthly
    (logo churn is defined once, there). A quarter sums its months' counts and amounts and
    divides at the end:

        ARPA          = sum(mrr_at_start) / sum(customers_at_start)       (per customer-month)
        churn rate    = sum(customers_churned) / sum(customers_at_start)  (monthly)
        LTV           = ARPA * gross_margin / churn rate
                      = sum(mrr_at_start) * gross_margin / sum(customers_churned)
        CAC           = spend / new customers
        efficiency    = new-business bookings / spend

    gross_margin is the var `gross_margin` (default 0.8).
#}

{%- set gross_margin = var('gross_margin', 0.8) %}

with

months as (

    select distinct month_start from {{ ref('int_calendar') }}

),

churn as (

    select * from {{ ref('customer_churn_monthly') }}

),

customers as (

    select * from {{ ref('int_customer_accounts') }}

),

deals as (

    select * from {{ ref('int_deals') }}

),

spend as (

    select * from {{ ref('int_spend_monthly') }}

),

new_customers as (

    select
        cohort_month as month_start,
        count(*) as new_customers,
        sum(first_mrr) as new_mrr

    from customers
    group by cohort_month

),

bookings as (

    select
        {{ salespulse.period_start('month', 'closed_date') }} as month_start,
        count(*) as new_business_deals_won,
        sum(amount) as new_business_bookings

    from deals
    where deal_status = 'won'
      and pipeline_id = 'new_business'
    group by {{ salespulse.period_start('month', 'closed_date') }}

),

monthly as (

    select
        months.month_start,
        coalesce(new_customers.new_customers, 0) as new_customers,
        coalesce(new_customers.new_mrr, 0) as new_mrr,
        coalesce(bookings.new_business_deals_won, 0) as new_business_deals_won,
        coalesce(bookings.new_business_bookings, 0) as new_business_bookings,
        spend.sales_spend,
        spend.marketing_spend,
        spend.total_spend,
        case when spend.month_start is not null then 1 else 0 end as has_spend,
        coalesce(churn.customers_at_start, 0) as customers_at_start,
        coalesce(churn.customers_churned, 0) as customers_churned,
        coalesce(churn.mrr_at_start, 0) as mrr_at_start

    from months
    left join new_customers
        on months.month_start = new_customers.month_start
    left join bookings
        on months.month_start = bookings.month_start
    left join spend
        on months.month_start = spend.month_start
    left join churn
        on months.month_start = churn.month_start

),

period_months as (

    select
        'month' as period_type,
        month_start as period_start,
        monthly.*

    from monthly

    union all

    select
        'quarter' as period_type,
        {{ salespulse.period_start('quarter', 'month_start') }} as period_start,
        monthly.*

    from monthly

),

periods as (

    select
        period_type,
        period_start,
        count(*) as months_in_period,
        sum(has_spend) as months_with_spend,
        sum(new_customers) as new_customers,
        sum(new_mrr) as new_mrr,
        sum(new_business_deals_won) as new_business_deals_won,
        sum(new_business_bookings) as new_business_bookings,
        sum(sales_spend) as sales_spend,
        sum(marketing_spend) as marketing_spend,
        sum(total_spend) as total_spend,
        sum(customers_at_start) as customer_months,
        sum(customers_churned) as customers_churned,
        sum(mrr_at_start) as mrr_customer_months

    from period_months
    group by period_type, period_start

),

final as (

    select
        -- grain
        period_type,
        period_start,
        case
            when period_type = 'quarter' then {{ salespulse.period_end('quarter', 'period_start') }}
            else {{ salespulse.period_end('month', 'period_start') }}
        end as period_end,
        -- acquisition
        new_customers,
        new_mrr,
        new_business_deals_won,
        new_business_bookings,
        -- spend (null when no spend month was reported)
        months_with_spend,
        sales_spend,
        marketing_spend,
        total_spend,
        {{ salespulse.safe_divide('total_spend', 'new_customers') }} as customer_acquisition_cost,
        {{ salespulse.safe_divide('new_business_bookings', 'total_spend') }} as sales_efficiency,
        -- the customer base
        customer_months,
        customers_churned,
        mrr_customer_months,
        {{ salespulse.safe_divide('mrr_customer_months', 'customer_months') }} as arpa,
        {{ salespulse.safe_divide('customers_churned', 'customer_months') }} as monthly_churn_rate,
        {{ gross_margin }} as gross_margin,
        {{ salespulse.safe_divide('mrr_customer_months * ' ~ gross_margin, 'customers_churned') }}
            as customer_lifetime_value,
        {{ salespulse.safe_divide(
            salespulse.safe_divide('mrr_customer_months * ' ~ gross_margin, 'customers_churned'),
            salespulse.safe_divide('total_spend', 'new_customers')) }} as ltv_to_cac,
        -- flags
        (months_with_spend = months_in_period) as has_complete_spend,
        (case
            when period_type = 'quarter' then {{ salespulse.period_end('quarter', 'period_start') }}
            else {{ salespulse.period_end('month', 'period_start') }}
        end <= {{ salespulse.as_of_next_day() }}) as is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from periods

)

select * from final
