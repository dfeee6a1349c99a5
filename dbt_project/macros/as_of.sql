{#
    The reference date of every KPI. Models never read the wall clock: they take the
    `as_of_date` var (the schedule's date), so rerunning an old date reproduces it.

    The var wins; without it the date comes from the environment variable
    SALESPULSE_AS_OF_DATE, which is how the scheduled refresh passes it: dbt re-parses the
    whole project whenever a `--vars` value changes, and every file that read a changed
    environment variable. The variable is read only when the SQL is compiled for a run
    (`execute`): nothing dbt parses depends on the date, so no file is tied to it and a new
    week's date costs no re-parse (docs/performance.md).
#}

{% macro as_of_date_value() -%}
    {%- set raw = var('as_of_date', none) -%}
    {%- if (raw is none or raw == '') and execute -%}
        {%- set raw = env_var('SALESPULSE_AS_OF_DATE', '') -%}
    {%- endif -%}
    {%- if raw is none or raw == '' -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "The as-of date is required (YYYY-MM-DD): the var 'as_of_date', e.g. "
                ~ "dbt build --vars '{as_of_date: 2026-11-22}', or the environment variable "
                ~ "SALESPULSE_AS_OF_DATE. Models never read the wall clock."
            ) }}
        {%- endif -%}
        {{ return(modules.datetime.date(1970, 1, 1)) }}
    {%- endif -%}
    {%- if raw is string -%}
        {%- set parsed = modules.datetime.datetime.strptime(raw[:10], '%Y-%m-%d').date() -%}
    {%- else -%}
        {%- set parsed = raw -%}
    {%- endif -%}
    {{ return(parsed) }}
{%- endmacro %}

{# The as-of date as a SQL date literal. #}
{% macro as_of_date() -%}
    cast('{{ as_of_date_value().strftime("%Y-%m-%d") }}' as date)
{%- endmacro %}

{#
    The day after the as-of date as a SQL date literal: where the as-of day ends in dates.
    A period is complete when it ends (exclusive) on or before it, and an open period is
    measured up to it. Computed at compile time, like the as-of date itself.
#}
{% macro as_of_next_day() -%}
    cast('{{ as_of_next_day_value().strftime("%Y-%m-%d") }}' as date)
{%- endmacro %}

{# The day after the as-of date as a Python date: the one place it is worked out. #}
{% macro as_of_next_day_value() -%}
    {{ return(as_of_date_value() + modules.datetime.timedelta(days=1)) }}
{%- endmacro %}

{#
    The exclusive upper bound of the as-of day as a UTC timestamp literal: midnight after
    the as-of date in the reporting time zone, converted to UTC at compile time so the SQL
    stays portable. An event counts as of the date when its UTC timestamp is < this bound.
#}
{% macro as_of_cutoff() -%}
    {%- set tz = modules.pytz.timezone(var('reporting_timezone', 'UTC')) -%}
    {%- set next_day = as_of_next_day_value() -%}
    {%- set local_midnight = tz.localize(modules.datetime.datetime(next_day.year, next_day.month, next_day.day)) -%}
    {%- set utc_midnight = local_midnight.astimezone(modules.pytz.utc) -%}
    cast('{{ utc_midnight.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{# First day of reporting history, as a SQL date literal. #}
{% macro history_start_date() -%}
    cast('{{ var("history_start_date") }}' as date)
{%- endmacro %}
