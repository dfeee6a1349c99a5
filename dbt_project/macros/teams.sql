{#
    The rows of `relation` with `team_id`, the team the row's owner belonged to on the row's
    date: the owner's team stint covering `date_column` (int_team_memberships), else the
    owner's current team, else 'unassigned', so team totals add up to the company total. A
    rep who moved teams mid-quarter counts in each team for the days they were in it.
    `relation` must not have a team_id column of its own.

        {{ salespulse.with_owner_team('won_deals', 'owner_id', 'closed_date') }}
#}
{% macro with_owner_team(relation, owner_column, date_column) -%}
    select
        {{ relation }}.*,
        coalesce(memberships.team_id, users.team_id, 'unassigned') as team_id
    from {{ relation }}
    left join {{ ref('int_team_memberships') }} as memberships
        on {{ relation }}.{{ owner_column }} = memberships.user_id
        and memberships.valid_from <= {{ relation }}.{{ date_column }}
        and (memberships.valid_to_exclusive is null
            or {{ relation }}.{{ date_column }} < memberships.valid_to_exclusive)
    left join {{ ref('int_users') }} as users
        on {{ relation }}.{{ owner_column }} = users.user_id
{%- endmacro %}
