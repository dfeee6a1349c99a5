with

source as (

    select * from {{ source('files', 'users') }}

),

renamed as (

    select

        -- ids
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(team_id as {{ dbt.type_string() }}) as current_team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(region as {{ dbt.type_string() }}) as region,
        -- numerics
        cast(ramp_months as {{ dbt.type_int() }}) as ramp_months,
        -- dates and timestamps
        cast(hire_date as date) as hire_date,
        cast(left_date as date) as left_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
