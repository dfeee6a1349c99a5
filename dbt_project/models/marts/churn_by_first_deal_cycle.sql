{#
    One row per cycle-length band of a customer's first won new-business deal (days from
    the deal's creation to its close; bands in macros/customers.sql), plus an 'all' row:
    customers, customers that churned at least once by the as-of date, churn rate, and the
    monthly first-churn hazard (first churns per customer-month at risk, from the first MRR
    to the first churn or the end of the as-of date), with the hazard ratio of the band to
    all other known bands. Catalogue E, cycle length vs churn: do fast closes churn early?
#}

with

customers as (

    select * from {{ ref('int_customer_accounts') }}

),

bands as (

    select '00-20 days' as cycle_band, 1 as band_order, 0 as min_days, 21 as max_days_exclusive
    union all select '21-45 days', 2, 21, 46
    union all select '46-90 days', 3, 46, 91
    union all select '91+ days', 4, 91, cast(null as {{ dbt.type_int() }})
    union all select 'unknown', 9, cast(null as {{ dbt.type_int() }}), cast(null as {{ dbt.type_int() }})
    union all select 'all', 0, cast(null as {{ dbt.type_int() }}), cast(null as {{ dbt.type_int() }})

),

customer_rows as (

    select
        first_deal_cycle_band as cycle_band,
        case when has_churned then 1 else 0 end as churned,
        case when is_active then 1 else 0 end as active,
        days_to_first_churn_or_as_of as days_at_risk

    from customers

),

by_band as (

    select
        cycle_band,
        count(*) as customers,
        sum(churned) as churned_customers,
        sum(active) as active_customers,
        sum(days_at_risk) as days_at_risk

    from customer_rows
    group by cycle_band

    union all

    select
        'all' as cycle_band,
        count(*) as customers,
        sum(churned) as churned_customers,
        sum(active) as active_customers,
        sum(days_at_risk) as days_at_risk

    from customer_rows

),

known_totals as (

    select
        sum(churned_customers) as churned_customers,
        sum(days_at_risk) as days_at_risk

    from by_band
    where cycle_band not in ('all', 'unknown')

),

measured as (

    select
        bands.cycle_band,
        bands.band_order,
        bands.min_days,
        bands.max_days_exclusive,
        coalesce(by_band.customers, 0) as customers,
        coalesce(by_band.churned_customers, 0) as churned_customers,
        coalesce(by_band.active_customers, 0) as active_customers,
        coalesce(by_band.days_at_risk, 0) as days_at_risk,
        known_totals.churned_customers - coalesce(by_band.churned_customers, 0) as other_churned_customers,
        known_totals.days_at_risk - coalesce(by_band.days_at_risk, 0) as other_days_at_risk

    from bands
    cross join known_totals
    left join by_band
        on bands.cycle_band = by_band.cycle_band

),

final as (

    select
        -- grain
        cycle_band,
        band_order,
        min_days,
        max_days_exclusive,
        -- customers
        customers,
        churned_customers,
        active_customers,
        {{ salespulse.safe_divide('churned_customers', 'customers') }} as churn_rate,
        -- hazard: first churns per customer-month at risk
        {{ salespulse.safe_divide('days_at_risk', salespulse.days_per_month()) }} as customer_months_at_risk,
        {{ salespulse.safe_divide('churned_customers * ' ~ salespulse.days_per_month(), 'days_at_risk') }}
            as monthly_churn_hazard,
        case
            when cycle_band not in ('all', 'unknown')
            then {{ salespulse.safe_divide(
                'churned_customers * other_days_at_risk',
                'other_churned_customers * days_at_risk') }}
        end as hazard_ratio_to_other_bands,
        {{ salespulse.as_of_date() }} as as_of_date

    from measured

)

select * from final
