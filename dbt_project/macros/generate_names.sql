{#
    Where models land.

    Schemas: models land in the schema their folder names (staging, intermediate, marts),
    without the target-schema prefix dbt adds by default, so BI tools and the publisher
    read stable names.

    Databases: a folder configured with `+database` (the marts) is built in a database of
    that name where the adapter keeps one in its own file (`own_database_file`: DuckDB),
    in that database's `main` schema. On DuckDB the profile attaches the marts file
    (`<warehouse>.marts.duckdb`) as catalog `marts`, so `marts.<table>` names a mart both
    in dbt's compiled SQL and in every reader that attaches it
    (orchestration/warehouse.py), and publishing copies that one file whole instead of
    copying each table (orchestration/publish.py). Elsewhere (Spark, the documented
    warehouses) the marts stay in the target's database, in schema `marts`.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif node.config.get('database') and salespulse.own_database_file() -%}
        main
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- if custom_database_name is not none and salespulse.own_database_file() -%}
        {{ custom_database_name | trim }}
    {%- else -%}
        {{ target.database }}
    {%- endif -%}
{%- endmacro %}

{# Whether a `+database` folder gets a database (a file) of its own on this adapter. #}
{% macro own_database_file() -%}
    {{ return(adapter.dispatch('own_database_file', 'salespulse')()) }}
{%- endmacro %}

{% macro default__own_database_file() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__own_database_file() -%}
    {{ return(true) }}
{%- endmacro %}

{#
    on-run-start: a warehouse built before the marts had their own file still holds a
    schema `marts`; with the marts catalog attached, `marts.<table>` would then be
    ambiguous. The old copies are dropped (they are rebuilt in the marts file).
#}
{% macro drop_marts_schema_of_the_warehouse() -%}
    {%- if execute and salespulse.own_database_file() -%}
        {% call statement('drop_marts_schema_of_the_warehouse') -%}
            drop schema if exists {{ adapter.quote(target.database) }}.marts cascade
        {%- endcall %}
        {% do adapter.commit() %}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
