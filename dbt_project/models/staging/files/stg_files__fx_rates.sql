with

source as (

    select * from {{ source('files', 'fx_rates') }}

),

renamed as (

    select

        -- attributes
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        cast(usd_per_unit as {{ salespulse.type_double() }}) as usd_per_unit,
        -- dates and timestamps
        cast(rate_date as date) as rate_date,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
