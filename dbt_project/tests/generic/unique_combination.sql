{#
    Fails with one row per duplicated key when the combination of `columns` is not unique.
    (dbt_utils.unique_combination_of_columns, written here: hub packages are out of reach.)
    On a column, without `columns`, it checks that column alone.

    With `where: "not_yet_checked(<column>)"` (macros/checked_rows.sql) it counts, over the
    whole table, only the keys of the rows written since its last pass: a key that was
    unique then and has no new row is unique still. Without a pass recorded it is the
    plain check. Key columns are expected not null
    (a null key never matches, so it is not counted).
#}
{% test unique_combination(model, columns=none, column_name=none) %}

{%- set columns = columns if columns is not none else [column_name] -%}

{%- set restricted_by = salespulse.not_yet_checked_column(config.get('where')) -%}
{%- set not_yet_checked = none if restricted_by is none
    else salespulse.rows_not_yet_checked(restricted_by, config.model.unique_id) -%}

select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
{%- if not_yet_checked is not none %}
inner join (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {{ not_yet_checked }}
) as keys_not_yet_checked using ({{ columns | join(', ') }})
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
