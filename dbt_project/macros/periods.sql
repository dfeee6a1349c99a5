{#
    Period starts for the reporting grains. Weeks are ISO weeks (Monday). Quarters and
    years are fiscal: the fiscal year starts on the first day of `fiscal_year_start_month`
    (a fiscal year starting in February makes Feb-Apr its first quarter). The shift-
    truncate-shift-back form uses only dbt's cross-database macros.
#}
{% macro period_start(period, date_expr) -%}
    {%- set shift = (var('fiscal_year_start_month', 1) | int) - 1 -%}
    {%- if period in ('day',) -%}
        cast({{ date_expr }} as date)
    {%- elif period in ('week', 'month') -%}
        cast({{ dbt.date_trunc(period, date_expr) }} as date)
    {%- elif period in ('quarter', 'year') -%}
        {%- if shift == 0 -%}
            cast({{ dbt.date_trunc(period, date_expr) }} as date)
        {%- else -%}
            cast({{ dbt.dateadd('month', shift, dbt.date_trunc(period, dbt.dateadd('month', -shift, date_expr))) }} as date)
        {%- endif -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("period_start: expected day, week, month, quarter or year, got " ~ period) }}
    {%- endif -%}
{%- endmacro %}

{# The exclusive end of the period that starts at `start_expr`. #}
{% macro period_end(period, start_expr) -%}
    {%- if period == 'quarter' -%}
        cast({{ dbt.dateadd('month', 3, start_expr) }} as date)
    {%- else -%}
        cast({{ dbt.dateadd(period, 1, start_expr) }} as date)
    {%- endif -%}
{%- endmacro %}
