{#
    Customer helpers. The cycle-length bands of an account's first won new-business deal
    (days from deal creation to close): < 21 days (FAST_CLOSE_DAYS of the demo CRM's
    planted truth), 21-45, 46-90, > 90. A day count d falls in the first band whose upper
    bound it is below: d < 21, d < 46, d < 91, otherwise the last band. Null days give
    'unknown' (no won new-business deal found for the account).
#}
{% macro customer_cycle_band(days_expr) -%}
    case
        when {{ days_expr }} is null then 'unknown'
        when {{ days_expr }} < 21 then '00-20 days'
        when {{ days_expr }} < 46 then '21-45 days'
        when {{ days_expr }} < 91 then '46-90 days'
        else '91+ days'
    end
{%- endmacro %}

{% macro customer_cycle_band_order(days_expr) -%}
    case
        when {{ days_expr }} is null then 9
        when {{ days_expr }} < 21 then 1
        when {{ days_expr }} < 46 then 2
        when {{ days_expr }} < 91 then 3
        else 4
    end
{%- endmacro %}

{# Average days per month (365.25 / 12, exact in binary), to turn customer-days into customer-months. #}
{% macro days_per_month() -%}
    30.4375
{%- endmacro %}
