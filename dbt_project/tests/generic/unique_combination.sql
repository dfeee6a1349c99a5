{#
    Fails with one row per duplicated key when the combination of `columns` is not unique.
    (dbt_utils.unique_combination_of_columns, written here: hub packages are out of reach.)
#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
