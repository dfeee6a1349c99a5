-- HubSpot keeps only each owner's current teams: one stint per owner in their primary
-- team ('unassigned' without one, as in stg_hubspot__teams), from the owner's creation (to the day after they left, if archived).
with

source as (

    select * from {{ source('hubspot', 'owners') }}

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as user_id,
        cast(coalesce(primary_team_id, 'unassigned') as {{ dbt.type_string() }}) as team_id,
        -- dates and timestamps
        cast(cast(created_at as {{ dbt.type_timestamp() }}) as date) as valid_from,
        case
            when archived then cast({{ dbt.dateadd('day', 1, 'cast(cast(updated_at as ' ~ dbt.type_timestamp() ~ ') as date)') }} as date)
        end as valid_to_exclusive,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
