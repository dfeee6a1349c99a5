-- Pipedrive has no exchange rates (its /currencies lists currencies without rates).
-- An empty, typed relation keeps the canonical interface (stg_crm__fx_rates).
select
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ salespulse.type_double() }}) as usd_per_unit,
    cast(null as date) as rate_date,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
