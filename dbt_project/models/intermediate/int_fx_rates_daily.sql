{#
    One row per calendar day and currency: the factor that converts one unit of the
    currency into the reporting currency on that day. A day without a published rate
    uses the latest earlier rate (weekends, holidays); a day before a currency's first
    rate has no row, so a conversion that needs it yields null and is caught by tests.
#}

with

rates as (

    select * from {{ ref('int_fx_rates') }}

),

calendar as (

    select date_day from {{ ref('int_calendar') }}

),

rate_ranges as (

    select
        currency_code,
        usd_per_unit,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency_code order by rate_date) as valid_to_exclusive

    from rates
    where rate_date <= {{ salespulse.as_of_date() }}

),

usd_per_unit_daily as (

    select
        calendar.date_day,
        rate_ranges.currency_code,
        rate_ranges.usd_per_unit

    from calendar
    inner join rate_ranges
        on calendar.date_day >= rate_ranges.valid_from
        and (rate_ranges.valid_to_exclusive is null or calendar.date_day < rate_ranges.valid_to_exclusive)

),

reporting as (

    select date_day, usd_per_unit as reporting_usd_per_unit
    from usd_per_unit_daily
    where currency_code = '{{ var("reporting_currency") }}'

),

final as (

    select
        usd_per_unit_daily.date_day as rate_date,
        usd_per_unit_daily.currency_code,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        usd_per_unit_daily.usd_per_unit / reporting.reporting_usd_per_unit as to_reporting_factor

    from usd_per_unit_daily
    inner join reporting
        on usd_per_unit_daily.date_day = reporting.date_day

)

select * from final
