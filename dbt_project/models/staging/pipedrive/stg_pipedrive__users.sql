{#
    Pipedrive users in the canonical shape. Pipedrive has no sales roles, teams, managers,
    regions or ramp periods: role is 'manager' for admins and 'rep' otherwise (a
    heuristic: map it differently in your own fork if your admins sell), team, manager,
    region and ramp are null. hire_date is the user's creation date; a deactivated user
    left on the day of the last modification.
#}

with

source as (

    select * from {{ source('pipedrive', 'users') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_string() }}) as current_team_id,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(case when is_admin then 'manager' else 'rep' end as {{ dbt.type_string() }}) as role,
        cast(null as {{ dbt.type_string() }}) as region,
        -- numerics
        cast(null as {{ dbt.type_int() }}) as ramp_months,
        -- dates and timestamps
        cast(created as date) as hire_date,
        case when not coalesce(active_flag, true) then cast(modified as date) end as left_date,
        cast(modified as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
