-- Salesforce keeps no history of role changes: one stint per user in a team role, from
-- the user's creation date, open-ended (a rep who changed team counts in the current
-- team for all of their history).
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
        cast(users.user_role_id as {{ dbt.type_string() }}) as team_id,
        -- dates and timestamps
        cast(users.created_date as date) as valid_from,
        cast(null as date) as valid_to_exclusive,
        -- load metadata
        cast(users._dlt_load_id as {{ dbt.type_string() }}) as load_id

    from users
    inner join roles
        on users.user_role_id = roles.id
    where roles.parent_role_id is not null

)

select * from renamed
