-- Segment and region are not standard Account fields: name the custom fields holding them
-- with the vars salesforce_account_segment_column / salesforce_account_region_column (the
-- landed column, e.g. segment__c for Segment__c, read via the source's extra_fields);
-- unset, they are null. The country is the billing country.
{%- set segment_column = var('salesforce_account_segment_column', none) %}
{%- set region_column = var('salesforce_account_region_column', none) %}
with

source as (

    select * from {{ source('salesforce', 'accounts') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as account_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as account_name,
        cast({{ segment_column or 'null' }} as {{ dbt.type_string() }}) as segment,
        cast(industry as {{ dbt.type_string() }}) as industry,
        cast(billing_country as {{ dbt.type_string() }}) as country,
        cast({{ region_column or 'null' }} as {{ dbt.type_string() }}) as region,
        -- booleans
        cast(coalesce(is_deleted, false) as {{ dbt.type_boolean() }}) as is_deleted,
        -- dates and timestamps
        cast(created_date as {{ dbt.type_timestamp() }}) as created_at,
        cast(system_modstamp as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
