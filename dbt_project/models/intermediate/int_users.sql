{#
    One row per CRM user with their manager chain (manager, and the executive above),
    current team and region, and the end of their ramp period.
#}

with

users as (

    select * from {{ ref('stg_crm__users') }}

),

teams as (

    select * from {{ ref('stg_crm__teams') }}

),

final as (

    select
        -- ids
        users.user_id,
        users.manager_id,
        managers.manager_id as second_line_manager_id,
        users.current_team_id as team_id,
        -- attributes
        users.full_name,
        users.role,
        managers.full_name as manager_name,
        teams.team_name,
        coalesce(teams.region, users.region) as region,
        users.ramp_months,
        -- dates
        users.hire_date,
        cast({{ dbt.dateadd('month', 'coalesce(users.ramp_months, 0)', 'users.hire_date') }} as date) as ramp_end_date,
        users.left_date

    from users
    left join users as managers
        on users.manager_id = managers.user_id
    left join teams
        on users.current_team_id = teams.team_id

)

select * from final
