{#
    A raw instant (a timestamp with time zone, as the canonical raw tables land them) as the
    naive UTC timestamp staging stores. A cast does it everywhere (the sessions run in UTC);
    on DuckDB the cast converts through ICU's calendar, ~50 ns a value (3.3 s over the 67M
    activities of 10M deals), where the instant's microseconds since the epoch give the same
    UTC timestamp exactly in integer arithmetic, whatever the session's time zone.
#}
{% macro utc_timestamp(instant) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'salespulse')(instant)) }}
{%- endmacro %}

{% macro default__utc_timestamp(instant) -%}
    cast({{ instant }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__utc_timestamp(instant) -%}
    make_timestamp(epoch_us({{ instant }}))
{%- endmacro %}

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

{#
    The UTC timestamp at which a local calendar day (a date in the reporting time zone)
    begins: the instant "end of the previous day" for measurements at a period boundary.
#}
{% macro utc_start_of_local_day(date_expr) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- if tz in ('UTC', 'Etc/UTC') -%}
        cast({{ date_expr }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ return(adapter.dispatch('utc_start_of_local_day', 'salespulse')(date_expr, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__utc_start_of_local_day(date_expr, tz) -%}
    convert_timezone('{{ tz }}', 'UTC', cast({{ date_expr }} as {{ dbt.type_timestamp() }}))
{%- endmacro %}

{% macro duckdb__utc_start_of_local_day(date_expr, tz) -%}
    timezone('UTC', timezone('{{ tz }}', cast({{ date_expr }} as timestamp)))
{%- endmacro %}

{% macro spark__utc_start_of_local_day(date_expr, tz) -%}
    to_utc_timestamp(cast({{ date_expr }} as timestamp), '{{ tz }}')
{%- endmacro %}

{% macro bigquery__utc_start_of_local_day(date_expr, tz) -%}
    datetime(timestamp(cast({{ date_expr }} as datetime), '{{ tz }}'))
{%- endmacro %}

{% macro trino__utc_start_of_local_day(date_expr, tz) -%}
    cast(with_timezone(cast({{ date_expr }} as timestamp), '{{ tz }}') at time zone 'UTC' as timestamp)
{%- endmacro %}
