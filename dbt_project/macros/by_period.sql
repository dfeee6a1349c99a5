{#
    Fan dated rows out to every reporting period they fall in. `relation` must have a date
    column `date_column`; the result has the relation's columns plus period_type and
    period_start (ISO week, month, fiscal quarter, fiscal year), one row per period type.
    Period starts are computed with period_start(), so dates after the as-of date (planned
    quotas) fan out too.

        {{ salespulse.by_period('won_deals', 'closed_date') }}
#}
{% macro by_period(relation, date_column) -%}
    {%- for period_type in ['week', 'month', 'quarter', 'year'] %}
    select
        {{ relation }}.*,
        '{{ period_type }}' as period_type,
        {{ salespulse.period_start(period_type, relation ~ '.' ~ date_column) }} as period_start
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
