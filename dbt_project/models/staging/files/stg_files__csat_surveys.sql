with

source as (

    select * from {{ source('files', 'csat_surveys') }}

),

renamed as (

    select

        -- ids
        cast(survey_id as {{ dbt.type_string() }}) as survey_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        -- numerics
        cast(score as {{ dbt.type_int() }}) as score,
        -- dates and timestamps
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
