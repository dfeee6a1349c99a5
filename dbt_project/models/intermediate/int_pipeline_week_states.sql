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

-- The complete weeks in order (consecutive ISO weeks), numbered from 0. (Without a
-- complete week, `weeks` holds one row of nulls, the week before none.)
numbered_weeks as (

    select
        week_start,
        week_end,
        cast(row_number() over (order by week_start) - 1 as {{ dbt.type_int() }}) as week_index
    from weeks
    where week_start is not null

),

week_range as (

    select min(week_start) as first_week_start, max(week_index) as last_week_index
    from numbered_weeks

),

{#
    The weeks at whose end a spell stands, as a span of week numbers. A deal stands at a
    week's end (Sunday) in the spell valid then: valid_from_date <= week_end < valid_to_date,
    and a closed spell only in the week it was entered. With weeks starting on Mondays,
    valid_from_date <= week_end holds from the week of valid_from_date on, and
    week_end < valid_to_date up to the week before that of valid_to_date (a spell left on a
    Monday stood at the Sunday before). So the span runs from the week of valid_from_date to
    the week before that of valid_to_date (open: to the last week), cut to the weeks there
    are; a closed spell's span ends where it starts. Spans that end before they start (a
    spell entered and left within a week) are in no week.
#}
spell_spans as (

    select
        spells.*,
        greatest(from_week_index, 0) as first_week_index,
        least(
            coalesce(to_week_index, final_week_index),
            case when spells.spell_status = 'open' then final_week_index else from_week_index end,
            final_week_index
        ) as last_week_index
    from (
        select
            spells.*,
            week_range.last_week_index as final_week_index,
            cast({{ dbt.datediff('week_range.first_week_start', salespulse.period_start('week', 'spells.valid_from_date'), 'day') }} / 7 as {{ dbt.type_int() }})
                as from_week_index,
            cast({{ dbt.datediff('week_range.first_week_start', salespulse.period_start('week', 'spells.valid_to_date'), 'day') }} / 7 as {{ dbt.type_int() }}) - 1
                as to_week_index
        from {{ 'changed_spells' if is_incremental() else 'spells' }} as spells
        cross join week_range
    ) as spells

),

{% set spell_columns = ['deal_id', 'pipeline_id', 'stage_id', 'stage_name', 'stage_order', 'stage_probability', 'entry_of_stage', 'spell_status', 'valid_from_date'] %}
week_spells as (

    -- each spell in every week of its span: the weeks numbered 0..n-1 count the weeks from
    -- its first, so each spell meets only the weeks it stands in. (A join of weeks and
    -- spells on the dates compared each spell with every week after its start: 2.9 of the
    -- 6.8 s of DuckDB's operators at 1M deals.)
    select
        numbered_weeks.week_start,
        numbered_weeks.week_end,
        {% for column in spell_columns %}spell_spans.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    from spell_spans
    inner join numbered_weeks as week_offsets
        on week_offsets.week_index <= spell_spans.last_week_index - spell_spans.first_week_index
    inner join numbered_weeks
        on numbered_weeks.week_index = spell_spans.first_week_index + week_offsets.week_index

    {% if is_incremental() %}
    union all

    -- the unchanged deals in the weeks not stored yet (usually one): the spell each stood
    -- in at the week's end, by the same rule on the dates
    select
        new_weeks.week_start,
        new_weeks.week_end,
        {% for column in spell_columns %}unchanged_spells.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    from new_weeks
    inner join unchanged_spells
        on unchanged_spells.valid_from_date <= new_weeks.week_end
        and coalesce(unchanged_spells.valid_to_date, cast('9999-12-31' as date)) > new_weeks.week_end
    where unchanged_spells.spell_status = 'open'
       or unchanged_spells.valid_from_date >= new_weeks.week_start
    {% endif %}

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
