{#
    Models land in the schema their folder names (staging, intermediate, marts),
    without the target-schema prefix dbt adds by default, so BI tools and the
    publisher read stable names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
