{#
    One row per user and team stint known by the as-of date, with the team's region and
    manager: the effective-dated ownership that decides where a rep's numbers count at the
    time (a rep who moved teams mid-quarter counts in each team for the days they were in it).
#}

with

memberships as (

    select * from {{ ref('stg_crm__team_memberships') }}
    where valid_from <= {{ salespulse.as_of_date() }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

final as (

    select
        memberships.user_id,
        memberships.team_id,
        teams.team_name,
        teams.region,
        teams.manager_id,
        memberships.valid_from,
        case
            when memberships.valid_to_exclusive <= {{ salespulse.as_of_date() }}
            then memberships.valid_to_exclusive
        end as valid_to_exclusive

    from memberships
    left join teams
        on memberships.team_id = teams.team_id

)

select * from final
