-- Salesforce has no sales role or hire date on User: the role comes from the role
-- hierarchy (root role: executive; a role's forecast manager: manager; anyone else in a
-- team role: rep; no role: null), the hire date is the user's creation date and the
-- leaving date the last modification of a deactivated user.
with

users as (

    select * from {{ source('salesforce', 'users') }}

),

roles as (

    select * from {{ source('salesforce', 'user_roles') }}

),

renamed as (

    select

        -- ids
        cast(users.id as {{ dbt.type_string() }}) as user_id,
        cast(case when roles.parent_role_id is not null then users.user_role_id end as {{ dbt.type_string() }}) as current_team_id,
        cast(users.manager_id as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(users.name as {{ dbt.type_string() }}) as full_name,
        cast(users.email as {{ dbt.type_string() }}) as email,
        cast(
            case
                when roles.id is null then null
                when roles.parent_role_id is null then 'executive'
                when roles.forecast_user_id = users.id then 'manager'
                else 'rep'
            end as {{ dbt.type_string() }}
        ) as role,
        cast(users.division as {{ dbt.type_string() }}) as region,
        -- numerics (Salesforce has no ramp period)
        cast(null as {{ dbt.type_int() }}) as ramp_months,
        -- dates and timestamps
        cast(users.created_date as date) as hire_date,
        cast(case when not users.is_active then users.last_modified_date end as date) as left_date,
        cast(users.system_modstamp as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(users._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from users
    left join roles
        on users.user_role_id = roles.id

)

select * from renamed
