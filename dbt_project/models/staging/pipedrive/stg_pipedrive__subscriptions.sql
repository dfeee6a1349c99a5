-- Pipedrive has no subscriptions (recurring revenue lives in a billing system).
-- An empty, typed relation keeps the canonical interface (stg_crm__subscriptions).
select
    cast(null as {{ dbt.type_string() }}) as subscription_id,
    cast(null as {{ dbt.type_string() }}) as account_id,
    cast(null as {{ dbt.type_string() }}) as plan,
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ salespulse.type_money() }}) as mrr_local,
    cast(null as {{ dbt.type_string() }}) as mrr_non_finite,
    cast(null as date) as start_date,
    cast(null as date) as end_date_exclusive,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
