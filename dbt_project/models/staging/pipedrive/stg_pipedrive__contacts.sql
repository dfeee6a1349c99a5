with

source as (

    select * from {{ source('pipedrive', 'persons') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(org_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as full_name,
        cast(primary_email as {{ dbt.type_string() }}) as email,
        cast(job_title as {{ dbt.type_string() }}) as title,
        -- dates and timestamps
        cast(add_time as {{ dbt.type_timestamp() }}) as created_at,
        cast(update_time as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
