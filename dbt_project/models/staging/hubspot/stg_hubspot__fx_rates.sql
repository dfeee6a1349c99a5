-- HubSpot multi-currency: each rate is units of a currency per 1 unit of the company
-- currency, effective from a date. Converted to USD per unit through the USD rate in
-- force on that date; the company currency is 1 unit per unit from the start.
with

company as (

    select max(currency_code) as currency_code from {{ source('hubspot', 'company_currency') }}

),

rates as (

    select
        from_currency_code as currency_code,
        cast(cast(effective_at as {{ dbt.type_timestamp() }}) as date) as rate_date,
        conversion_rate as units_per_company,
        row_number() over (
            partition by from_currency_code, cast(cast(effective_at as {{ dbt.type_timestamp() }}) as date)
            order by effective_at desc, updated_at desc
        ) as rate_rank,
        _dlt_load_id
    from {{ source('hubspot', 'exchange_rates') }}

),

all_rates as (

    select rates.currency_code, rates.rate_date, rates.units_per_company, rates._dlt_load_id
    from rates
    cross join company
    where rates.rate_rank = 1 and rates.currency_code <> company.currency_code
    union all
    select
        company.currency_code,
        cast('1900-01-01' as date) as rate_date,
        cast(1.0 as {{ salespulse.type_double() }}) as units_per_company,
        max(company_currency._dlt_load_id) as _dlt_load_id
    from company
    cross join {{ source('hubspot', 'company_currency') }} as company_currency
    group by company.currency_code

),

usd_ranges as (

    select
        rate_date as valid_from,
        lead(rate_date) over (order by rate_date) as valid_to_exclusive,
        units_per_company as usd_per_company
    from all_rates
    where currency_code = 'USD'

),

renamed as (

    select

        -- attributes
        cast(all_rates.currency_code as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        cast(usd_ranges.usd_per_company / all_rates.units_per_company as {{ salespulse.type_double() }}) as usd_per_unit,
        -- dates and timestamps
        cast(all_rates.rate_date as date) as rate_date,
        -- load metadata
        cast(all_rates._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from all_rates
    inner join usd_ranges
        on all_rates.rate_date >= usd_ranges.valid_from
        and (usd_ranges.valid_to_exclusive is null or all_rates.rate_date < usd_ranges.valid_to_exclusive)

)

select * from renamed
