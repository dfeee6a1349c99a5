{#
    Stage-history entries that break a row-level rule, quarantined instead of dropped: one
    row per raw entry (deal_id, stage_id, entered_at) and broken rule, for the entries
    before the cutoff. The rules do not depend on the date: int_stage_entries evaluates
    them once per extracted entry (its first copy) and stores them; this model reports the
    breaking entries known by the cutoff. int_stage_visits leaves them out; reconciliation
    counts them.
#}

{% set raw_columns = ['deal_id', 'stage_id', 'entered_at', 'load_id'] %}

with

candidates as (

    select
        entries.deal_id,
        entries.stage_id,
        entries.entered_at,
        entries.load_id,
        entries.deal_created_at,
        entries.is_known_stage,
        entries.is_known_deal,
        entries.is_entered_before_deal_created,
        {{ dbt.concat([
            salespulse.as_text('entries.deal_id'), "'|'",
            salespulse.as_text('entries.stage_id'), "'|'",
            salespulse.as_text('entries.entered_at'),
        ]) }} as record_key,
        {{ salespulse.row_to_text(raw_columns, 'entries') }} as original_record

    from {{ ref('int_stage_entries') }} as entries
    where entries.is_quarantined
      and entries.entered_at < {{ salespulse.as_of_cutoff() }}

),

{% set rules = [
    {'rule': 'unknown_stage',
     'condition': 'not candidates.is_known_stage',
     'reason': ["'stage_id '", 'candidates.stage_id', "' is not in pipeline_stages'"]},
    {'rule': 'orphan_deal',
     'condition': 'not candidates.is_known_deal',
     'reason': ["'deal_id '", 'candidates.deal_id', "' is not in deals'"]},
    {'rule': 'entered_before_deal_created',
     'condition': 'candidates.is_entered_before_deal_created',
     'reason': ["'entered_at '", 'candidates.entered_at', "' is more than a day before the deal was created at '", 'candidates.deal_created_at']},
] %}

quarantined as (
    {{ salespulse.quarantine_selects('candidates', 'deal_stage_history', ['deal_id', 'stage_id', 'entered_at'], rules) }}
)

select * from quarantined
