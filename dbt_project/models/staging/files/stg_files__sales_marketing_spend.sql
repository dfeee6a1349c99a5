with

source as (

    select * from {{ source('files', 'sales_marketing_spend') }}

),

renamed as (

    select

        -- attributes
        cast(department as {{ dbt.type_string() }}) as department,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('amount')) }} as amount_local,
        -- dates and timestamps
        cast(spend_month as date) as spend_month,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
