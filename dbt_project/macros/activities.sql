{#
    The activity types the KPIs count, each with the column that counts it: the one list
    of known types (int_quarantine_activities quarantines any other) and of the count
    columns (int_activity_days_loaded, int_activity_days, int_team_days).
#}
{% macro activity_types() -%}
    {{ return([('call', 'calls'), ('meeting', 'meetings'), ('email', 'emails'), ('demo', 'demos')]) }}
{%- endmacro %}

{# Select-list sums counting the rows of each activity type: `calls`, `meetings`, ... #}
{% macro activity_type_counts(type_column='activity_type') -%}
    {%- for activity_type, column in salespulse.activity_types() %}
        sum(case when {{ type_column }} = '{{ activity_type }}' then 1 else 0 end) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
