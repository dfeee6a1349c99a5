{#
    Ratio and statistics helpers. Every ratio in the marts goes through safe_divide, so a
    zero or null denominator gives null (documented per KPI) and never an error or 0.
#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ salespulse.type_double() }}) / nullif(cast({{ denominator }} as {{ salespulse.type_double() }}), 0))
{%- endmacro %}

{#
    Fractional days from the earlier timestamp to the later one (later - earlier), a double.
    (Not `seconds / 86400.0`: Spark divides an integer by a decimal literal in decimal
    arithmetic and keeps 7 places, DuckDB in double.)
#}
{% macro days_between(earlier_ts, later_ts) -%}
    (cast({{ dbt.datediff(earlier_ts, later_ts, 'second') }} as {{ salespulse.type_double() }}) / 86400)
{%- endmacro %}

{# A whole-number percentage (65) as a fraction (0.65), a double on every engine. #}
{% macro pct_to_fraction(expr) -%}
    (cast({{ expr }} as {{ salespulse.type_double() }}) / 100)
{%- endmacro %}

{# Continuous percentile (linear interpolation) of an expression within a group. #}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'salespulse')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{# Trino and BigQuery have no exact percentile aggregate: approximate (to 0.1% rank). #}
{% macro trino__percentile_cont(expr, fraction) -%}
    approx_percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{# BigQuery's PERCENTILE_CONT is analytic only; `fraction` must be a literal. #}
{% macro bigquery__percentile_cont(expr, fraction) -%}
    approx_quantiles({{ expr }}, 1000)[offset({{ (fraction * 1000) | round | int }})]
{%- endmacro %}

{% macro median(expr) -%}
    {{ salespulse.percentile_cont(expr, 0.5) }}
{%- endmacro %}

{#
    Money: amounts are decimals with two places, so sums are exact to the cent.
    Converted amounts are rounded to the cent per row, then summed.
#}
{% macro type_money() -%}
    decimal(18, 2)
{%- endmacro %}

{% macro to_money(expr) -%}
    cast(round({{ expr }}, 2) as {{ salespulse.type_money() }})
{%- endmacro %}

{#
    A double (money times a ratio, or money over a count) to money. The double is fixed to
    6 decimal places first, then that decimal is rounded half away from zero to the cent:
    engines round a double's binary value differently at a half cent (Spark rounds its
    shortest decimal form, 40755.965 -> .97; DuckDB the binary value, -> .96), never a
    6-place decimal. Exact for amounts under 10^9 (the double's error stays below 10^-7).
#}
{% macro double_to_money(expr) -%}
    {{ salespulse.to_money('cast(' ~ expr ~ ' as decimal(38, 6))') }}
{%- endmacro %}

{#
    Double precision. (dbt.type_float() is a 4-byte REAL on DuckDB: too coarse for
    exchange rates and ratios.)
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'salespulse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro trino__type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}

{#
    Convert money with an exchange-rate factor, exactly: the factor is fixed to 10 decimal
    places and the product computed in decimal arithmetic, then rounded half away from zero
    to the cent. (A double product would round 131518.205 down to ...20.) The factor is a
    decimal(19, 10): the product decimal(18, 2) x decimal(19, 10) keeps all 12 places on
    Spark (its result precision 38 is the cap; a wider factor makes Spark drop places) and
    gets DuckDB's 38-digit result.

    A factor of exactly 1 (an amount already in the reporting currency: three quarters of
    the demo CRM's deals) gives the amount itself, which is what the product rounds to;
    returning it skips the 38-digit product and its rounding (at 1M deals 3x faster for
    the same values).
#}
{% macro convert_money(amount_expr, factor_expr) -%}
    case
        when {{ factor_expr }} = 1 then cast({{ amount_expr }} as {{ salespulse.type_money() }})
        else {{ salespulse.to_money('cast(' ~ amount_expr ~ ' as ' ~ salespulse.type_money() ~ ') * cast(' ~ factor_expr ~ ' as decimal(19, 10))') }}
    end
{%- endmacro %}
