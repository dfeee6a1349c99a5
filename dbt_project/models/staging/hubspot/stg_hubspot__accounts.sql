with

source as (

    select * from {{ source('hubspot', 'companies') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as account_name,
        cast(null as {{ dbt.type_string() }}) as segment,  -- no standard HubSpot property
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as region,  -- no standard HubSpot property
        -- booleans
        cast(coalesce(archived, false) as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        cast(createdate as {{ dbt.type_timestamp() }}) as created_at,
        cast(hs_lastmodifieddate as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
