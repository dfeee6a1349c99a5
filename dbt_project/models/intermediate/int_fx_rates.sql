{#
    The CRM's exchange rates, one row per rate date and currency, in US dollars per unit.
    USD is 1 on every day by definition: when the source has no USD rows (a single-currency
    CRM, or one without a rates API such as Pipedrive), that row is added, so USD amounts
    convert without the CRM publishing a rate. Other currencies need the CRM's rates.
#}

with

rates as (

    select currency_code, usd_per_unit, rate_date, load_id
    from {{ ref('stg_crm__fx_rates') }}

),

usd_by_definition as (

    select
        cast('USD' as {{ dbt.type_string() }}) as currency_code,
        cast(1 as {{ salespulse.type_double() }}) as usd_per_unit,
        cast('1970-01-01' as date) as rate_date,
        cast(null as {{ dbt.type_string() }}) as load_id

    from (select count(*) as usd_rows from rates where currency_code = 'USD') as usd
    where usd.usd_rows = 0

),

final as (

    select * from rates
    union all
    select * from usd_by_definition

)

select * from final
