{#
    Fails with every row for which `expression` is not true (null counts as a failure
    unless the optional `where` config filters the row out).
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
