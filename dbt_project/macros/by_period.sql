{#
    Fan dated rows out to every reporting period they fall in. `relation` must have a date
    column `date_column`; the result has the relation's columns plus period_type and
    period_start (week, month, quarter, year), one row per period type, joined by
    equality to int_calendar so it stays cheap at scale.

        {{ salespulse.by_period('won_deals', 'closed_date') }}
#}
{% macro by_period(relation, date_column) -%}
    {%- set grains = [('week', 'week_start'), ('month', 'month_start'),
                      ('quarter', 'quarter_start'), ('year', 'fiscal_year_start')] -%}
    {%- for period_type, column in grains %}
    select
        {{ relation }}.*,
        '{{ period_type }}' as period_type,
        calendar.{{ column }} as period_start
    from {{ relation }}
    inner join {{ ref('int_calendar') }} as calendar
        on {{ relation }}.{{ date_column }} = calendar.date_day
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
