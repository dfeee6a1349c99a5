with

source as (

    select * from {{ source('files', 'teams') }}

),

renamed as (

    select

        -- ids
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(region as {{ dbt.type_string() }}) as region,
        -- dates and timestamps
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
