{#
    Deal facts as of the as-of date: one row per live deal, with its owner's team and
    region, its status, amounts in local and reporting currency, and its cycle length.
#}

with

deals as (

    select * from {{ ref('int_deals') }}

),

users as (

    select user_id, full_name, team_id, team_name, region, manager_id
    from {{ ref('int_users') }}

),

final as (

    select
        deals.*,
        users.full_name as owner_name,
        users.team_id as owner_team_id,
        users.team_name as owner_team_name,
        users.region as owner_region,
        users.manager_id as owner_manager_id,
        {{ salespulse.as_of_date() }} as as_of_date

    from deals
    left join users
        on deals.owner_id = users.user_id

)

select * from final
