with

source as (

    select * from {{ source('files', 'pipelines') }}

),

renamed as (

    select

        -- ids
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        -- attributes
        cast(pipeline_name as {{ dbt.type_string() }}) as pipeline_name,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
