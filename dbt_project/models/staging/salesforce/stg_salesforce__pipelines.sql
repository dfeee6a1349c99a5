-- Salesforce has one opportunity pipeline (its stage picklist; sales processes only pick
-- subsets of it): one row, present once the stages have been loaded.
with

stages as (

    select * from {{ source('salesforce', 'opportunity_stages') }}

),

renamed as (

    select

        -- ids
        cast('opportunities' as {{ dbt.type_string() }}) as pipeline_id,
        -- attributes
        cast('Opportunities' as {{ dbt.type_string() }}) as pipeline_name,
        -- load metadata
        cast(max(_dlt_load_id) as {{ dbt.type_string() }}) as load_id

    from stages
    having count(*) > 0

)

select * from renamed
