with

source as (

    select * from {{ source('hubspot', 'pipelines') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as pipeline_id,
        -- attributes
        cast(label as {{ dbt.type_string() }}) as pipeline_name,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
