{#
    One row per stage entry of a deal known as of the cutoff: when the deal entered the
    stage, when it left (the next entry), and how long it stayed. Regressions (moving back
    a stage), re-entries and reopened deals are kept as separate visits. A visit that has
    not ended by the cutoff is open and measured to the cutoff. Entries that break a
    row-level rule are quarantined (int_quarantine_stage_history) and left out.

    A view: int_stage_entries holds every extracted entry whatever the date, numbered among
    its deal's valid entries and refreshed incrementally; the cutoff keeps the entries
    before it and a next entry only when that is before it too (why that is exact:
    int_stage_entries). Readers pay a filter.
#}

{{ config(materialized='view') }}

with

entries as (

    select *
    from {{ ref('int_stage_entries') }}
    where not is_quarantined
      and entered_at < {{ salespulse.as_of_cutoff() }}

),

exits as (

    -- the next entry, if the deal made it before the cutoff
    select
        entries.*,
        case when is_next_known then next_entered_at end as exited_at,
        case when is_next_known then next_stage_id end as cut_next_stage_id,
        case when is_next_known then next_stage_order end as cut_next_stage_order,
        case when is_next_known then next_is_closed_stage end as cut_next_is_closed_stage

    from (
        select
            entries.*,
            coalesce(next_entered_at < {{ salespulse.as_of_cutoff() }}, false) as is_next_known
        from entries
    ) as entries

),

final as (

    select
        -- ids
        deal_id,
        pipeline_id,
        stage_id,
        cut_next_stage_id as next_stage_id,
        -- attributes
        stage_name,
        stage_order,
        visit_number,
        entry_of_stage,
        -- booleans
        is_closed_stage,
        is_won_stage,
        (exited_at is null and not is_closed_stage) as is_open_visit,
        (entry_of_stage > 1) as is_reentry,
        coalesce(cut_next_stage_order < stage_order and not cut_next_is_closed_stage, false) as is_regression,
        -- timestamps
        entered_at,
        exited_at,
        -- numerics: closed stages are end states and have no duration. Whole seconds
        -- aggregate exactly (and so identically on every rerun); days derive from them.
        case
            when not is_closed_stage
            then {{ dbt.datediff('entered_at', 'coalesce(exited_at, ' ~ salespulse.as_of_cutoff() ~ ')', 'second') }}
        end as duration_seconds,
        case
            when not is_closed_stage
            then {{ salespulse.days_between('entered_at', 'coalesce(exited_at, ' ~ salespulse.as_of_cutoff() ~ ')') }}
        end as duration_days,
        -- lineage: the dlt load of the entry's first raw copy
        load_id

    from exits

)

select * from final
