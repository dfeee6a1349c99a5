-- Pipedrive leads (Leads Inbox, API v1 /leads) are not loaded by this connector.
-- An empty, typed relation keeps the canonical interface (stg_crm__leads).
select
    cast(null as {{ dbt.type_string() }}) as lead_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    cast(null as {{ dbt.type_string() }}) as account_id,
    cast(null as {{ dbt.type_string() }}) as converted_deal_id,
    cast(null as {{ dbt.type_string() }}) as lead_source,
    cast(null as {{ dbt.type_string() }}) as status,
    cast(null as {{ dbt.type_timestamp() }}) as created_at,
    cast(null as {{ dbt.type_timestamp() }}) as converted_at,
    cast(null as {{ dbt.type_timestamp() }}) as updated_at,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
