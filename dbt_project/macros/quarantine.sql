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
{% macro quarantine_selects(candidates, raw_table, key_columns, rules) -%}
    {%- for r in rules %}
    select
        '{{ var("crm_source") }}' as source,
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

{#
    Non-finite floats (NaN, +/-infinity) from a raw float column. is_non_finite is true for
    them (null stays null); non_finite_text is the value as text for them, else null.
    Dispatched: engines spell and test them differently.
#}
{% macro is_non_finite(expr) -%}
    {{ return(adapter.dispatch('is_non_finite', 'salespulse')(expr)) }}
{%- endmacro %}

{% macro default__is_non_finite(expr) -%}
    (lower(cast({{ expr }} as {{ dbt.type_string() }})) in ('nan', 'inf', '-inf', '+inf', 'infinity', '-infinity', '+infinity'))
{%- endmacro %}

{# DuckDB spells them nan, inf, -inf (a cast, not isnan/isinf: portable-SQL checked). #}
{% macro duckdb__is_non_finite(expr) -%}
    (cast({{ expr }} as {{ dbt.type_string() }}) in ('nan', 'inf', '-inf'))
{%- endmacro %}

{% macro spark__is_non_finite(expr) -%}
    (isnan({{ expr }}) or abs({{ expr }}) = double('infinity'))
{%- endmacro %}

{#
    finite_or_null: the value when it is a finite number that fits the money type
    (|x| < 10^16, decimal(18, 2)), else null; non_finite_text: the value as text when it is
    not (NaN, infinity, out of range), else null.
#}
{% macro finite_or_null(expr) -%}
    case when {{ salespulse.is_non_finite(expr) }} or abs({{ expr }}) >= 1e16 then null else {{ expr }} end
{%- endmacro %}

{% macro non_finite_text(expr) -%}
    case
        when {{ salespulse.is_non_finite(expr) }} then lower(cast({{ expr }} as {{ dbt.type_string() }}))
        when abs({{ expr }}) >= 1e16 then cast({{ expr }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{# Empty strings in a raw text column are treated as missing (null). #}
{% macro empty_as_null(expr) -%}
    nullif(cast({{ expr }} as {{ dbt.type_string() }}), '')
{%- endmacro %}
