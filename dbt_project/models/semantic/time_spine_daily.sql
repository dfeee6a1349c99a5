{#
    MetricFlow time spine: one row per day from 2015-01-01 to 2035-12-31, with the fiscal
    quarter and fiscal year each day falls in (var fiscal_year_start_month, as the marts).
    A semantic-layer helper, not a report: it lives in schema `semantic`, which the
    publisher does not copy (it publishes schema `marts` only).
#}
{{ config(materialized='table', schema='semantic') }}

with

days as (

    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2015-01-01' as date)",
        end_date="cast('2036-01-01' as date)"
    ) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        {{ salespulse.period_start('quarter', 'date_day') }} as fiscal_quarter_start,
        {{ salespulse.period_start('year', 'date_day') }} as fiscal_year_start
    from days

)

select * from final
