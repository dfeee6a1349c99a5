-- Pipedrive has no sales and marketing spend.
-- An empty, typed relation keeps the canonical interface (stg_crm__sales_marketing_spend).
select
    cast(null as {{ dbt.type_string() }}) as department,
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ salespulse.type_money() }}) as amount_local,
    cast(null as date) as spend_month,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
