with

source as (

    select * from {{ source('hubspot', 'contacts') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as contact_id,
        cast(associatedcompanyid as {{ dbt.type_string() }}) as account_id,
        -- attributes
        trim({{ dbt.concat(["coalesce(firstname, '')", "' '", "coalesce(lastname, '')"]) }}) as full_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(jobtitle as {{ dbt.type_string() }}) as title,
        -- dates and timestamps
        cast(createdate as {{ dbt.type_timestamp() }}) as created_at,
        cast(lastmodifieddate as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
