with

source as (

    select * from {{ source('pipedrive', 'pipelines') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as pipeline_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as pipeline_name,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
