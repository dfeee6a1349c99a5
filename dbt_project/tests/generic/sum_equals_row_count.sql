{#
    Fails with one row when the sum of `column` over the model differs from the number of
    rows of `rows_of` matching `rows_where`: for a table of counts that must account for every
    row it counts, no more (a row counted twice) and no fewer (a row missed).
#}
{% test sum_equals_row_count(model, column, rows_of, rows_where='1 = 1') %}

select counted.total, source_rows.total as source_rows
from (select coalesce(sum({{ column }}), 0) as total from {{ model }}) as counted
cross join (select count(*) as total from {{ rows_of }} where {{ rows_where }}) as source_rows
where counted.total <> source_rows.total

{% endtest %}
