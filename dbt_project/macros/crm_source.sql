{#- The CRM source a warehouse is built from (var crm_source). Each source maps its raw
    tables into the canonical entities through its own staging models,
    stg_<source>__<entity>; the stg_crm__<entity> views read the active one. -#}

{% macro crm_sources() -%}
    {{ return(['demo_crm', 'files', 'hubspot', 'pipedrive', 'salesforce']) }}
{%- endmacro %}

{% macro crm_staging_model(entity) -%}
    {%- set source_name = var('crm_source') -%}
    {%- if source_name not in salespulse.crm_sources() -%}
        {{ exceptions.raise_compiler_error(
            "var crm_source is '" ~ source_name ~ "'; expected one of " ~ salespulse.crm_sources() | join(', ')) }}
    {%- endif -%}
    {{ return('stg_' ~ source_name ~ '__' ~ entity) }}
{%- endmacro %}
