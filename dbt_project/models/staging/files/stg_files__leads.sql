with

source as (

    select * from {{ source('files', 'leads') }}

),

renamed as (

    select

        -- ids
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(converted_deal_id as {{ dbt.type_string() }}) as converted_deal_id,
        -- attributes
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(status as {{ dbt.type_string() }}) as status,
        -- dates and timestamps
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
