{#
    One row per distinct stage-history entry (deal, stage, time) in the CRM extract,
    whatever the as-of date: whether it breaks a row-level rule, and for an entry that
    breaks none, its place among the deal's valid entries and the valid entry after it.
    int_stage_visits (a view) applies the as-of cutoff and int_quarantine_stage_history
    reads the rule flags.

    Why a cutoff applied afterwards gives the same visits as one applied first: the rules
    (unknown stage, no extracted deal, entered more than a day before the deal's earliest
    recorded creation) do not depend on the date, and the entries before a cutoff are a
    prefix of each deal's entries in visit order (entered_at first). So the visit number and
    entry of the stage of an entry before the cutoff are the same either way, and its next
    entry is the same when that is before the cutoff too, none otherwise.

    Incremental by deal (macros/incremental.sql): a run recomputes every deal with a raw
    history row or deal row written by a load the table does not know; every deal when the
    pipeline stages differ from those the table was computed with or when raw rows of the
    other deals left the extract. The post-hooks delete the rows the recomputed deals
    replace and the deals that left the extract, so the table equals a full rebuild.
#}

{{ config(
    materialized=salespulse.incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook=[
        "{{ salespulse.delete_replaced_versions('deal_id', null_keys_recomputed=true) }}",
        "{{ salespulse.delete_rows_gone_from('deal_id', ref('stg_crm__deal_stage_history'), stored_rows='sum(copies)', source_filter='1 = 1') }}",
    ],
) }}

{#
    The staging relations are read where used rather than through import CTEs: DuckDB
    materializes a CTE read twice, which here would copy the whole stage history.
#}
{% set staged_history = ref('stg_crm__deal_stage_history') %}
{% set staged_deals = ref('stg_crm__deals') %}
{% set stage_columns = ['pipeline_id', 'stage_id', 'stage_name', 'stage_order', 'is_closed', 'is_won'] %}
{# the rule for an entry joined with its deal (`entries`, `deals`): more than a day before the deal's creation #}
{% set entered_before_deal_created =
    'coalesce(' ~ dbt.dateadd('day', 1, 'entries.entered_at') ~ ' < deals.deal_created_at, false)' %}

with

stages as (

    select * from {{ ref('stg_crm__pipeline_stages') }}

),

-- what every stored row was computed with: any change to a stage recomputes every deal.
-- One row; min() keeps it one when a unit test overrides group_fingerprint with a constant
-- (an override applies to a macro called unqualified).
stages_fingerprint as (

    select min(fingerprint) as stages_fingerprint
    from (
        select {{ group_fingerprint(stage_columns, salespulse.row_fingerprint(['pipeline_id', 'stage_id'])) }} as fingerprint
        from stages
    ) as stages_hash

),

{% if is_incremental() %}

stored_history_loads as (

    select distinct load_id from {{ this }}

),

stored_deal_loads as (

    select distinct deal_load_id as load_id from {{ this }} where deal_load_id is not null

),

-- deals with a raw row written by a load the stored rows do not know: new or changed
changed_deals as (

    {{ salespulse.keys_of_unknown_loads(staged_history, 'deal_id', 'stored_history_loads') }}

    union

    {{ salespulse.keys_of_unknown_loads(staged_deals, 'deal_id', 'stored_deal_loads') }}

),

{#
    The other deals' rows are those the table was computed from, unless rows left the
    extract without a new load (a hard delete): then their counts differ. Each deal's
    deal rows are counted on one of its rows only (deal_rows: its first in the visit pass
    below), so the sums count each once.
#}
unchanged_raw as (

    select
        (
            select count(*)
            from {{ staged_history }} as history
            left join changed_deals on history.deal_id = changed_deals.deal_id
            where changed_deals.deal_id is null and history.deal_id is not null
        ) as history_rows,
        (
            select count(*)
            from {{ staged_deals }} as deals
            inner join (select distinct deal_id from {{ this }}) as stored
                on deals.deal_id = stored.deal_id
            left join changed_deals on deals.deal_id = changed_deals.deal_id
            where changed_deals.deal_id is null
        ) as deal_rows

),

unchanged_stored as (

    select
        coalesce(sum(stored.copies), 0) as history_rows,
        coalesce(sum(stored.deal_rows), 0) as deal_rows
    from {{ this }} as stored
    left join changed_deals on stored.deal_id = changed_deals.deal_id
    where changed_deals.deal_id is null and stored.deal_id is not null

),

recompute_all as (

    select (
        unchanged_raw.history_rows <> unchanged_stored.history_rows
        or unchanged_raw.deal_rows <> unchanged_stored.deal_rows
        or not exists (
            select 1
            from {{ this }} as stored
            inner join stages_fingerprint
                on stored.stages_fingerprint = stages_fingerprint.stages_fingerprint
        )
    ) as is_needed
    from unchanged_raw
    cross join unchanged_stored

),

recomputed_deals as (

    select deal_id from changed_deals
    union
    select history.deal_id
    from {{ staged_history }} as history
    cross join recompute_all
    where recompute_all.is_needed and history.deal_id is not null

),

-- entries without a deal are few and always recomputed
history as (

    select history.*
    from {{ staged_history }} as history
    inner join recomputed_deals
        on history.deal_id = recomputed_deals.deal_id

    union all

    select * from {{ staged_history }} where deal_id is null

),

deal_versions as (

    select deals.*
    from {{ staged_deals }} as deals
    inner join recomputed_deals
        on deals.deal_id = recomputed_deals.deal_id

),

{% else %}

history as (

    select * from {{ staged_history }}

),

deal_versions as (

    select * from {{ staged_deals }} where deal_id is not null

),

{% endif %}

-- each distinct entry once: the first copy's load, and how many raw rows carry it
entries as (

    select
        deal_id,
        stage_id,
        entered_at,
        min(load_id) as load_id,
        count(*) as copies
    from history
    group by deal_id, stage_id, entered_at

),

-- any extracted version of the deal: its earliest recorded creation and its latest load
deals as (

    select
        deal_id,
        min(created_at) as deal_created_at,
        count(*) as deal_rows,
        max(load_id) as deal_load_id
    from deal_versions
    group by deal_id

),

checked as (

    select
        entries.deal_id,
        entries.stage_id,
        entries.entered_at,
        entries.load_id,
        entries.copies,
        stages.pipeline_id,
        stages.stage_name,
        stages.stage_order,
        stages.is_closed as is_closed_stage,
        stages.is_won as is_won_stage,
        deals.deal_created_at,
        deals.deal_rows,
        deals.deal_load_id,
        (stages.stage_id is not null) as is_known_stage,
        (deals.deal_id is not null) as is_known_deal,
        {{ entered_before_deal_created }} as is_entered_before_deal_created

    from entries
    left join stages
        on entries.stage_id = stages.stage_id
    left join deals
        on entries.deal_id = deals.deal_id

),

flagged as (

    select
        checked.*,
        (not is_known_stage or not is_known_deal or is_entered_before_deal_created) as is_quarantined
    from checked

),

-- The visit number and the next visit come from one ordered pass over each deal's entries,
-- valid ones first (false sorts before true everywhere): the valid entries are numbered
-- 1..n in visit order (an entry is unique per deal, stage and time, so the order is
-- total) and the entry after the last valid one, a quarantined one, is no next visit.
-- The deal's first row in that pass carries its deal-row count, so a sum counts each deal
-- once (a separate window for that cost 25% more at 1M deals).
{% set visit_order = 'partition by deal_id order by is_quarantined, entered_at, stage_order, stage_id' %}
sequenced as (

    select
        flagged.*,
        row_number() over ({{ visit_order }}) as entry_rank,
        lead(is_quarantined) over ({{ visit_order }}) as is_following_quarantined,
        lead(entered_at) over ({{ visit_order }}) as following_entered_at,
        lead(stage_id) over ({{ visit_order }}) as following_stage_id,
        lead(stage_order) over ({{ visit_order }}) as following_stage_order,
        lead(is_closed_stage) over ({{ visit_order }}) as following_is_closed_stage

    from flagged

),

-- entry_of_stage counts the deal's valid entries into the stage up to this one. Most
-- stages are entered once (97% of the entries at 1M deals), so only the deal and stage
-- pairs entered more than once are numbered, by a window over the narrow entries, and
-- every other valid entry is its stage's first. A window over every wide row, partitioned
-- by deal and stage, cost more than the visit pass itself (3.1 s against 2.5 s for the
-- model at 1M deals). The valid entries of a pair are those of an extracted deal not
-- entered before its creation (`entered_before_deal_created`, the rule `checked` flags);
-- a pair with an unknown stage is quarantined whole, so its numbers are dropped below.
-- The join back is on the entry's time, never null (each source's staging tests it).
-- row_number rather than a framed count(*), which BigQuery cannot order with DuckDB's
-- nulls-last default.
reentered_stages as (

    select deal_id, stage_id
    from entries
    group by deal_id, stage_id
    having count(*) > 1

),

reentries as (

    select
        entries.deal_id as reentry_deal_id,
        entries.stage_id as reentry_stage_id,
        entries.entered_at as reentry_entered_at,
        row_number() over (
            partition by entries.deal_id, entries.stage_id order by entries.entered_at
        ) as valid_entry_of_stage

    from entries
    inner join reentered_stages
        on entries.deal_id = reentered_stages.deal_id
        and entries.stage_id = reentered_stages.stage_id
    inner join deals
        on entries.deal_id = deals.deal_id
    where not {{ entered_before_deal_created }}

),

final as (

    select
        -- ids
        deal_id,
        pipeline_id,
        stage_id,
        -- attributes
        stage_name,
        stage_order,
        case when not is_quarantined then entry_rank end as visit_number,
        case when not is_quarantined then coalesce(reentries.valid_entry_of_stage, 1) end as entry_of_stage,
        case when not is_quarantined and not is_following_quarantined then following_stage_id end as next_stage_id,
        case when not is_quarantined and not is_following_quarantined then following_stage_order end as next_stage_order,
        -- booleans
        is_closed_stage,
        is_won_stage,
        case when not is_quarantined and not is_following_quarantined then following_is_closed_stage end as next_is_closed_stage,
        is_known_stage,
        is_known_deal,
        is_entered_before_deal_created,
        is_quarantined,
        -- timestamps
        entered_at,
        case when not is_quarantined and not is_following_quarantined then following_entered_at end as next_entered_at,
        deal_created_at,
        -- what the row was computed from, and by which dbt invocation
        copies,
        case when entry_rank = 1 then coalesce(deal_rows, 0) else 0 end as deal_rows,
        load_id,
        deal_load_id,
        stages_fingerprint.stages_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id

    from sequenced
    left join reentries
        on sequenced.deal_id = reentries.reentry_deal_id
        and sequenced.stage_id = reentries.reentry_stage_id
        and sequenced.entered_at = reentries.reentry_entered_at
    cross join stages_fingerprint

)

select * from final
