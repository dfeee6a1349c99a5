-- Pipedrive's core API has no quotas (the optional Goals API is not loaded).
-- An empty, typed relation keeps the canonical interface (stg_crm__quotas).
select
    cast(null as {{ dbt.type_string() }}) as quota_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    cast(null as {{ dbt.type_string() }}) as owner_type,
    cast(null as {{ dbt.type_string() }}) as period_type,
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ salespulse.type_money() }}) as amount_local,
    cast(null as date) as period_start,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
