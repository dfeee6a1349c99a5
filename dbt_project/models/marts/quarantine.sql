{#
    Every raw row held back from the canonical layer for breaking a row-level rule, with
    the rule, a readable reason and the original record, so nothing is dropped silently.
    One row per raw record and broken rule (a record breaking two rules has two rows).
    reconciliation counts these records in its `quarantined` column.
#}

{% set quarantine_models = [
    'int_quarantine_deals',
    'int_quarantine_stage_history',
    'int_quarantine_activities',
    'int_quarantine_subscriptions',
] %}

with

unioned as (
    {% for model in quarantine_models %}
    select source, raw_table, record_key, rule, reason, load_id, original_record, as_of_date
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (

    select
        source,
        raw_table,
        record_key,
        rule,
        reason,
        load_id,
        original_record,
        as_of_date
    from unioned

)

select * from final
