-- Salesforce rates are units of a currency per one unit of the org's corporate currency:
-- DatedConversionRate ranges [StartDate, NextStartDate) when advanced currency management
-- is on, else CurrencyType's single rate (taken as valid since 1970-01-01). Canonical rates
-- are US dollars per unit, so usd_per_unit = rate(USD) / rate(currency) on the same day;
-- USD must be a currency of the org. One row per currency and day on which its or USD's
-- rate changes: int_fx_rates_daily carries each row forward to the next, which is exactly
-- the Salesforce range. Without multi-currency: the corporate currency (var
-- salesforce_corporate_currency, USD) at 1.0.
{%- if var('salesforce_multi_currency', true) %}
with

dated as (

    select iso_code, start_date as valid_from, conversion_rate, _dlt_load_id
    from {{ source('salesforce', 'dated_conversion_rates') }}

),

static as (

    select
        currency_types.iso_code,
        cast('1970-01-01' as date) as valid_from,
        currency_types.conversion_rate,
        currency_types._dlt_load_id
    from {{ source('salesforce', 'currency_types') }} as currency_types
    left join (select distinct iso_code from dated) as dated_currencies
        on currency_types.iso_code = dated_currencies.iso_code
    where dated_currencies.iso_code is null

),

rates as (

    select * from dated
    union all
    select * from static

),

ranges as (

    select
        iso_code,
        valid_from,
        lead(valid_from) over (partition by iso_code order by valid_from) as valid_to_exclusive,
        conversion_rate,
        _dlt_load_id
    from rates

),

change_points as (

    select iso_code, valid_from as rate_date from rates
    union
    select currencies.iso_code, usd_rates.valid_from as rate_date
    from rates as usd_rates
    cross join (select distinct iso_code from rates) as currencies
    where usd_rates.iso_code = 'USD'

),

renamed as (

    select

        -- attributes
        cast(change_points.iso_code as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        cast(usd.conversion_rate / currency.conversion_rate as {{ salespulse.type_double() }}) as usd_per_unit,
        -- dates and timestamps
        cast(change_points.rate_date as date) as rate_date,
        -- load metadata
        cast(currency._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from change_points
    inner join ranges as currency
        on change_points.iso_code = currency.iso_code
        and change_points.rate_date >= currency.valid_from
        and (currency.valid_to_exclusive is null or change_points.rate_date < currency.valid_to_exclusive)
    inner join ranges as usd
        on usd.iso_code = 'USD'
        and change_points.rate_date >= usd.valid_from
        and (usd.valid_to_exclusive is null or change_points.rate_date < usd.valid_to_exclusive)

)

select * from renamed
{%- else %}
select
    cast('{{ var("salesforce_corporate_currency", "USD") }}' as {{ dbt.type_string() }}) as currency_code,
    cast(1.0 as {{ salespulse.type_double() }}) as usd_per_unit,
    cast('1970-01-01' as date) as rate_date,
    cast(null as {{ dbt.type_string() }}) as load_id
{%- endif %}
