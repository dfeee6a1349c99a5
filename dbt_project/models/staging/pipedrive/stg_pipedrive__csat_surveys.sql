-- Pipedrive has no customer-satisfaction surveys.
-- An empty, typed relation keeps the canonical interface (stg_crm__csat_surveys).
select
    cast(null as {{ dbt.type_string() }}) as survey_id,
    cast(null as {{ dbt.type_string() }}) as account_id,
    cast(null as {{ dbt.type_string() }}) as deal_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    cast(null as {{ dbt.type_int() }}) as score,
    cast(null as {{ dbt.type_timestamp() }}) as responded_at,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
