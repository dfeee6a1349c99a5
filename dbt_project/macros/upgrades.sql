{#
    On-run-start hooks that bring a warehouse built by older code up to date, so an
    upgrade needs no manual step. Each is a no-op once the warehouse is current. Drops go
    through the adapter, so dbt's relation cache forgets the relation too.
#}

{# The stored relation `relation_name` in the schema of model `model_name`; none if absent. #}
{% macro stored_relation_beside(model_name, relation_name) -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', model_name) | first -%}
    {{ return(adapter.get_relation(node.database, node.schema, relation_name)) }}
{%- endmacro %}

{% macro drop_stored_relation(relation, reason) -%}
    {% do log("Dropping " ~ relation ~ ": " ~ reason, info=true) %}
    {% do adapter.drop_relation(relation) %}
    {% do adapter.commit() %}
{%- endmacro %}

{#
    Drop the stored table of the incremental model `model_name` when it lacks `column`,
    i.e. was built by code before the column (and the rules that read it) existed, so this
    run builds it whole instead of failing on the schema change. A no-op once the table has
    the column, and before it exists.
    (pipeline_snapshots_weekly, deal_fingerprint: tables built before the snapshots kept
    their rows between runs held amounts at the as-of date's rate.)
#}
{% macro drop_if_built_without(model_name, column) -%}
    {%- if execute -%}
        {%- set relation = salespulse.stored_relation_beside(model_name, model_name) -%}
        {%- if relation is not none -%}
            {%- set stored = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
            {%- if column | lower not in stored -%}
                {% do salespulse.drop_stored_relation(relation, "built before it had " ~ column ~ "; this run builds it whole") %}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#
    Drop the table a retired (renamed or replaced) model left behind, from the schema of
    the model that took its place, so an upgraded warehouse does not keep a table no run
    updates.
    (int_team_events, ~60M rows at 10M deals: replaced by int_team_days.)
#}
{% macro drop_retired_model(model_name, successor) -%}
    {%- if execute -%}
        {%- set relation = salespulse.stored_relation_beside(successor, model_name) -%}
        {%- if relation is not none -%}
            {% do salespulse.drop_stored_relation(relation, "model " ~ model_name ~ " was retired for " ~ successor) %}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
