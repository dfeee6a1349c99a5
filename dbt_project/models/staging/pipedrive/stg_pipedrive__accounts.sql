{#
    Pipedrive organizations as accounts. segment, industry, region and country come from
    the organization custom fields mapped in the connector (organization_custom_fields);
    without a country field, the address's country component (a name, as Pipedrive
    geocodes it) stands in.
#}

with

source as (

    select * from {{ source('pipedrive', 'organizations') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as account_name,
        {{ salespulse.empty_as_null('segment') }} as segment,
        {{ salespulse.empty_as_null('industry') }} as industry,
        coalesce({{ salespulse.empty_as_null('country') }}, {{ salespulse.empty_as_null('address_country') }}) as country,
        {{ salespulse.empty_as_null('region') }} as region,
        -- booleans
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted,
        -- dates and timestamps
        cast(add_time as {{ dbt.type_timestamp() }}) as created_at,
        cast(update_time as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
