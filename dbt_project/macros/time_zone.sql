{#
    Timestamps are stored as UTC (naive timestamps after staging). Periods are cut in the
    reporting time zone: `local_date(ts)` is the calendar date of a UTC timestamp there.
    With the default zone (UTC) no conversion is emitted at all. Date-only CRM fields are
    dates already and never pass through here.
#}
{% macro local_date(utc_ts) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- if tz in ('UTC', 'Etc/UTC') -%}
        cast({{ utc_ts }} as date)
    {%- else -%}
        {{ return(adapter.dispatch('local_date', 'salespulse')(utc_ts, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__local_date(utc_ts, tz) -%}
    cast(convert_timezone('UTC', '{{ tz }}', {{ utc_ts }}) as date)
{%- endmacro %}

{% macro duckdb__local_date(utc_ts, tz) -%}
    cast(timezone('{{ tz }}', timezone('UTC', {{ utc_ts }})) as date)
{%- endmacro %}

{% macro spark__local_date(utc_ts, tz) -%}
    cast(from_utc_timestamp({{ utc_ts }}, '{{ tz }}') as date)
{%- endmacro %}

{% macro bigquery__local_date(utc_ts, tz) -%}
    date(timestamp({{ utc_ts }}), '{{ tz }}')
{%- endmacro %}

{% macro trino__local_date(utc_ts, tz) -%}
    cast(at_timezone(with_timezone({{ utc_ts }}, 'UTC'), '{{ tz }}') as date)
{%- endmacro %}
