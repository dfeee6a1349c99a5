{#
    One row per calendar day from the history start to the as-of date, with the start of
    the week (ISO, Monday), month, fiscal quarter and fiscal year it belongs to.
#}

with

days as (

    {{ dbt.date_spine('day', salespulse.history_start_date(), salespulse.as_of_next_day()) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        {{ salespulse.period_start('week', 'date_day') }} as week_start,
        {{ salespulse.period_start('month', 'date_day') }} as month_start,
        {{ salespulse.period_start('quarter', 'date_day') }} as quarter_start,
        {{ salespulse.period_start('year', 'date_day') }} as fiscal_year_start

    from days
    where cast(date_day as date) <= {{ salespulse.as_of_date() }}

)

select * from final
