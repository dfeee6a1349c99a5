-- HubSpot owners are the CRM users. HubSpot has no roles, managers, regions or ramp
-- periods: every owner is a rep without a manager (in the team 'unassigned' when they
-- have none); an archived (deactivated) owner left on the day of their last update.
with

source as (

    select * from {{ source('hubspot', 'owners') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as user_id,
        cast(coalesce(primary_team_id, 'unassigned') as {{ dbt.type_string() }}) as current_team_id,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        trim({{ dbt.concat(["coalesce(first_name, '')", "' '", "coalesce(last_name, '')"]) }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast('rep' as {{ dbt.type_string() }}) as role,
        cast(null as {{ dbt.type_string() }}) as region,
        -- numerics
        cast(null as {{ dbt.type_int() }}) as ramp_months,
        -- dates and timestamps
        cast(cast(created_at as {{ dbt.type_timestamp() }}) as date) as hire_date,
        case when archived then cast(cast(updated_at as {{ dbt.type_timestamp() }}) as date) end as left_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
