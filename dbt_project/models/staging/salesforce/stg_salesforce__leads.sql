-- Status is conformed to open / converted / disqualified: converted when IsConverted,
-- disqualified when the Status picklist value starts with 'Closed' (Salesforce's default
-- 'Closed - Not Converted'), open otherwise. ConvertedDate is date-only: converted_at is
-- that day's midnight UTC. Deleted leads are left out.
with

source as (

    select * from {{ source('salesforce', 'leads') }}
    where not coalesce(is_deleted, false)

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as lead_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(converted_account_id as {{ dbt.type_string() }}) as account_id,
        cast(converted_opportunity_id as {{ dbt.type_string() }}) as converted_deal_id,
        -- attributes
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(
            case
                when is_converted then 'converted'
                when lower(status) like 'closed%' then 'disqualified'
                else 'open'
            end as {{ dbt.type_string() }}
        ) as status,
        -- dates and timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as created_at,
        cast(case when is_converted then converted_date end as {{ dbt.type_timestamp() }}) as converted_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
