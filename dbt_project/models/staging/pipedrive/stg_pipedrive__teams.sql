-- Pipedrive's core API has no sales teams with a manager and a region (Teams are an add-on of higher plans, without regions).
-- An empty, typed relation keeps the canonical interface (stg_crm__teams).
select
    cast(null as {{ dbt.type_string() }}) as team_id,
    cast(null as {{ dbt.type_string() }}) as manager_id,
    cast(null as {{ dbt.type_string() }}) as team_name,
    cast(null as {{ dbt.type_string() }}) as region,
    cast(null as {{ dbt.type_timestamp() }}) as updated_at,
    cast(null as {{ dbt.type_string() }}) as load_id
from (select 1 as placeholder) as no_rows
where 1 = 0
