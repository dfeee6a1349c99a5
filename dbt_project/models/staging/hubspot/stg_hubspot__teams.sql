-- HubSpot teams come with the owners (GET /crm/v3/owners, field teams); HubSpot has
-- no team manager and no sales region. Owners without a team (common in portals that do
-- not use teams) get the team 'unassigned', so they still count as reps.
with

teams as (

    select id, name, _dlt_load_id from {{ source('hubspot', 'teams') }}

),

teamless as (

    select
        'unassigned' as id,
        'Unassigned' as name,
        max(_dlt_load_id) as _dlt_load_id
    from {{ source('hubspot', 'owners') }}
    where primary_team_id is null
    having count(*) > 0

),

source as (

    select * from teams
    union all
    select * from teamless

),

renamed as (

    select

        -- ids
        cast(id as {{ dbt.type_string() }}) as team_id,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        -- attributes
        cast(name as {{ dbt.type_string() }}) as team_name,
        cast(null as {{ dbt.type_string() }}) as region,
        -- dates and timestamps
        cast(null as {{ dbt.type_timestamp() }}) as updated_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from source

)

select * from renamed
