{#
    Quarantine helpers. Rows that break a row-level rule are not dropped: they land in an
    int_quarantine_<table> model (one row per raw record and broken rule) and the published
    `quarantine` mart, and the canonical model anti-joins them out. Everything here is built
    on dbt's cross-database macros (dbt.concat, dbt.type_string), so it stays portable.
#}

{# An expression as text, 'null' when it is null (so a concatenation never turns null). #}
{% macro as_text(expr) -%}
    coalesce(cast({{ expr }} as {{ dbt.type_string() }}), 'null')
{%- endmacro %}

{#
    The raw row serialized as text: "col1=value1; col2=value2; ..." over the given column
    names (qualified with `relation` when given). Portable: a concatenation of casts.
#}
{% macro row_to_text(columns, relation=none) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set qualified = (relation ~ '.' ~ column) if relation else column -%}
        {%- if not loop.first -%}{%- do parts.append("'; '") -%}{%- endif -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append(salespulse.as_text(qualified)) -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{# A human-readable reason: literal text pieces and expressions (rendered via as_text). #}
{% macro reason_text(pieces) -%}
    {%- set parts = [] -%}
    {%- for piece in pieces -%}
        {%- if piece is string and piece.startswith("'") -%}
            {%- do parts.append(piece) -%}
        {%- else -%}
            {%- do parts.append(salespulse.as_text(piece)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#
    One select per rule over a CTE of candidate rows, unioned: rules is a list of dicts with
    `rule` (the rule id), `condition` (true when the row breaks the rule) and `reason`
    (a list for reason_text). The candidate CTE must carry record_key, load_id and
    original_record, plus the key columns listed in `key_columns`.
#}
{% macro quarantine_selects(candidates, raw_table, key_columns, rules, source_name='demo_crm') -%}
    {%- for r in rules %}
    select
        '{{ source_name }}' as source,
        '{{ raw_table }}' as raw_table,
        {%- for key in key_columns %}
        {{ candidates }}.{{ key }},
        {%- endfor %}
        {{ candidates }}.record_key,
        '{{ r.rule }}' as rule,
        {{ salespulse.reason_text(r.reason) }} as reason,
        {{ candidates }}.load_id,
        {{ candidates }}.original_record,
        {{ salespulse.as_of_date() }} as as_of_date
    from {{ candidates }}
    where {{ r.condition }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
