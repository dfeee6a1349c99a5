{#
    Helpers of the pipeline, forecast and win/loss marts.

    Deal size bands: fixed bands of the reporting-currency amount (same thresholds in every
    run, so quarters compare): under_10k [0, 10,000), 10k_50k [10,000, 50,000), 50k_200k
    [50,000, 200,000), 200k_plus [200,000, ...), unknown (no amount). The bands bracket the
    demo CRM's segment medians (SMB ~10k, Mid-Market ~40k, Enterprise ~180k).
#}
{% macro pipeline_size_band(amount_expr) -%}
    case
        when {{ amount_expr }} is null then 'unknown'
        when {{ amount_expr }} < 10000 then 'under_10k'
        when {{ amount_expr }} < 50000 then '10k_50k'
        when {{ amount_expr }} < 200000 then '50k_200k'
        else '200k_plus'
    end
{%- endmacro %}

{# The band labels above, in order, as a SQL union for spines. #}
{% macro pipeline_size_bands_values() -%}
    select 'under_10k' as size_band, 1 as size_band_order
    union all select '10k_50k', 2
    union all select '50k_200k', 3
    union all select '200k_plus', 4
    union all select 'unknown', 5
{%- endmacro %}
