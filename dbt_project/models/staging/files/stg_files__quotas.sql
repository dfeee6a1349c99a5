with

source as (

    select * from {{ source('files', 'quotas') }}

),

renamed as (

    select

        -- ids
        cast(quota_id as {{ dbt.type_string() }}) as quota_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        -- attributes
        cast(owner_type as {{ dbt.type_string() }}) as owner_type,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(currency as {{ dbt.type_string() }}) as currency_code,
        -- numerics
        {{ salespulse.to_money(salespulse.finite_or_null('amount')) }} as amount_local,
        -- dates and timestamps
        cast(period_start as date) as period_start,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
