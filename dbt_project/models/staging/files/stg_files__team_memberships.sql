with

source as (

    select * from {{ source('files', 'team_memberships') }}

),

renamed as (

    select

        -- ids
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(team_id as {{ dbt.type_string() }}) as team_id,
        -- dates and timestamps
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to_exclusive,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
