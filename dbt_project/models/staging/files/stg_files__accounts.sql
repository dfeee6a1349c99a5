with

source as (

    select * from {{ source('files', 'accounts') }}

),

renamed as (

    select

        -- ids
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(region as {{ dbt.type_string() }}) as region,
        -- booleans
        cast(is_deleted as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
