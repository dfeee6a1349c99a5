-- Pipedrive's core API has no effective-dated team memberships.
-- An empty, typed relation keeps the canonical interface (stg_crm__team_memberships).
select
    cast(null as {{ dbt.type_string() }}) as user_id,
    cast(null as {{ dbt.type_string() }}) as team_id,
    cast(null as date) as valid_from,
    cast(null as date) as valid_to_exclusive,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
