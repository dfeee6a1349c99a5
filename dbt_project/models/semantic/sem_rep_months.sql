{#
    Semantic-layer helper: the month rows of rep_performance (one row per rep and calendar
    month), so quota, attainment and period-end pipeline can be metrics without mixing
    period types. Not a report: schema `semantic` is not published.
#}
{{ config(materialized='table', schema='semantic') }}

select *
from {{ ref('rep_performance') }}
where period_type = 'month'
