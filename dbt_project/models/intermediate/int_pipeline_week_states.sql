{#
    The pipeline as it stood at the end of every complete ISO week: one row per week and
    live deal that was open at the end of the week's Sunday, or closed then by a close made
    during the week, with the stage spell it stood in (int_pipeline_stage_spells). Also the
    week before the first reporting week, so the first week has a start. The weekly
    snapshots and the weekly movement read the pipeline at week ends from here with
    equality joins instead of joining every week to every spell by date range.

    Incremental (macros/incremental.sql): a completed week's state of a deal depends only
    on the deal's spells, so each row carries spells_hash, the hash of all the deal's
    spells. A run deletes the rows of deals whose hash changed or that are no longer live
    (new, late-arriving or corrected stage history, deleted or quarantined deals) and the
    weeks after the as-of date (pre-hook), then appends the rows of the deals without
    stored rows (all weeks) and of the weeks not stored yet (all deals). So a weekly run
    recomputes one new week and the ~1% of deals that changed, and any run equals a full
    rebuild as of its date, including a rerun as of an earlier week.
#}

{{ config(
    materialized=salespulse.incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ salespulse.delete_stale_week_states() }}",
) }}

with

spells as (

    select * from {{ ref('int_pipeline_stage_spells') }}

),

complete_weeks as (

    select
        period_start as week_start,
        cast({{ dbt.dateadd('day', -1, 'period_end') }} as date) as week_end

    from {{ ref('int_periods') }}
    where period_type = 'week'
      and period_end <= {{ salespulse.as_of_next_day() }}

),

weeks as (

    select week_start, week_end from complete_weeks
    union all
    -- the week before the first: the first week's start boundary
    select
        cast({{ dbt.dateadd('day', -7, 'min(week_start)') }} as date) as week_start,
        cast({{ dbt.dateadd('day', -1, 'min(week_start)') }} as date) as week_end
    from complete_weeks

),

{% if is_incremental() %}

-- after the pre-hook, stored rows are those of unchanged deals (their stored hash is
-- the current one) in weeks up to the as-of date
stored_deals as (

    select distinct deal_id, spells_hash from {{ this }}

),

stored_weeks as (

    select distinct week_start from {{ this }}

),

changed_spells as (

    -- deals without stored rows: new, changed, or without a state at any week end yet
    select spells.*
    from spells
    left join stored_deals
        on spells.deal_id = stored_deals.deal_id
    where stored_deals.deal_id is null

),

unchanged_spells as (

    select spells.*
    from spells
    inner join stored_deals
        on spells.deal_id = stored_deals.deal_id

),

-- hashes: stored for unchanged deals, computed for the others only
fingerprints as (

    select deal_id, spells_hash from stored_deals
    union all
    {{ salespulse.deal_spell_fingerprints('changed_spells') }}

),

new_weeks as (

    select weeks.week_start, weeks.week_end
    from weeks
    left join stored_weeks
        on weeks.week_start = stored_weeks.week_start
    where stored_weeks.week_start is null

),

{% else %}

fingerprints as (

    {{ salespulse.deal_spell_fingerprints() }}

),

{% endif %}

week_spells as (

    {% set parts = [('weeks', 'changed_spells'), ('new_weeks', 'unchanged_spells')] if is_incremental() else [('weeks', 'spells')] %}
    {% for weeks_relation, spells_relation in parts %}
    select
        {{ weeks_relation }}.week_start,
        {{ weeks_relation }}.week_end,
        {{ spells_relation }}.*
    from {{ weeks_relation }}
    inner join {{ spells_relation }}
        on {{ spells_relation }}.valid_from_date <= {{ weeks_relation }}.week_end
        and coalesce({{ spells_relation }}.valid_to_date, cast('9999-12-31' as date)) > {{ weeks_relation }}.week_end
    where {{ spells_relation }}.spell_status = 'open'
       or {{ spells_relation }}.valid_from_date >= {{ weeks_relation }}.week_start
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        -- grain
        week_spells.week_start,
        week_spells.week_end,
        week_spells.deal_id,
        -- the spell the deal stood in at the week's end
        week_spells.pipeline_id,
        week_spells.stage_id,
        week_spells.stage_name,
        week_spells.stage_order,
        week_spells.stage_probability,
        week_spells.entry_of_stage,
        week_spells.spell_status,
        week_spells.valid_from_date as stage_entered_date,
        -- what the row was computed from, and by which dbt invocation
        fingerprints.spells_hash,
        '{{ invocation_id }}' as dbt_invocation_id

    from week_spells
    inner join fingerprints
        on week_spells.deal_id = fingerprints.deal_id

)

select * from final
