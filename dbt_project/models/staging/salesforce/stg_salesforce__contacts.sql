-- Deleted contacts (queryAll keeps them, is_deleted) are left out: the canonical entity
-- has no deletion flag.
with

source as (

    select * from {{ source('salesforce', 'contacts') }}
    where not coalesce(is_deleted, false)

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(title as {{ dbt.type_string() }}) as title,
        -- dates and timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as created_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
