{#
    Stage-history entries that break a row-level rule, quarantined instead of dropped: one
    row per raw entry (deal_id, stage_id, entered_at) and broken rule. Checked rows are
    those that would otherwise be canonical: the first copy of each entry before the cutoff.
    int_stage_visits anti-joins these entries out; reconciliation counts them.
#}

{% set raw_columns = ['deal_id', 'stage_id', 'entered_at', 'load_id'] %}

with

history as (

    select
        raw.*,
        row_number() over (
            partition by raw.deal_id, raw.stage_id, raw.entered_at order by raw.load_id
        ) as copy_rank
    from {{ ref('stg_crm__deal_stage_history') }} as raw

),

stages as (

    select distinct stage_id from {{ ref('stg_crm__pipeline_stages') }}

),

deals as (

    -- any extracted version of the deal: its earliest recorded creation
    select deal_id, min(created_at) as deal_created_at
    from {{ ref('stg_crm__deals') }}
    where deal_id is not null
    group by deal_id

),

candidates as (

    select
        history.deal_id,
        history.stage_id,
        history.entered_at,
        history.load_id,
        deals.deal_created_at,
        (stages.stage_id is not null) as is_known_stage,
        (deals.deal_id is not null) as is_known_deal,
        {{ dbt.concat([
            salespulse.as_text('history.deal_id'), "'|'",
            salespulse.as_text('history.stage_id'), "'|'",
            salespulse.as_text('history.entered_at'),
        ]) }} as record_key,
        {{ salespulse.row_to_text(raw_columns, 'history') }} as original_record

    from history
    left join stages
        on history.stage_id = stages.stage_id
    left join deals
        on history.deal_id = deals.deal_id
    where history.copy_rank = 1
      and history.entered_at < {{ salespulse.as_of_cutoff() }}

),

{% set rules = [
    {'rule': 'unknown_stage',
     'condition': 'not candidates.is_known_stage',
     'reason': ["'stage_id '", 'candidates.stage_id', "' is not in pipeline_stages'"]},
    {'rule': 'orphan_deal',
     'condition': 'not candidates.is_known_deal',
     'reason': ["'deal_id '", 'candidates.deal_id', "' is not in deals'"]},
    {'rule': 'entered_before_deal_created',
     'condition': dbt.dateadd('day', 1, 'candidates.entered_at') ~ ' < candidates.deal_created_at',
     'reason': ["'entered_at '", 'candidates.entered_at', "' is more than a day before the deal was created at '", 'candidates.deal_created_at']},
] %}

quarantined as (
    {{ salespulse.quarantine_selects('candidates', 'deal_stage_history', ['deal_id', 'stage_id', 'entered_at'], rules) }}
)

select * from quarantined
