-- Teams are the roles of the role hierarchy below the root role; the team manager is the
-- role's forecast manager (UserRole.ForecastUserId), the region that manager's Division.
with

roles as (

    select * from {{ source('salesforce', 'user_roles') }}

),

users as (

    select * from {{ source('salesforce', 'users') }}

),

renamed as (

    select

        -- ids
        cast(roles.id as {{ dbt.type_string() }}) as team_id,
        cast(roles.forecast_user_id as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(roles.name as {{ dbt.type_string() }}) as team_name,
        cast(managers.division as {{ dbt.type_string() }}) as region,
        -- dates and timestamps
        cast(roles.system_modstamp as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(roles._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from roles
    left join users as managers
        on roles.forecast_user_id = managers.id
    where roles.parent_role_id is not null

)

select * from renamed
