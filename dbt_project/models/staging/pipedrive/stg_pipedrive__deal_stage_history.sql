{#
    One row per stage entry of a Pipedrive deal, rebuilt from the deal flow (the vendor's
    shape makes this unavoidable: Pipedrive logs changes, not stage entries, and won/lost
    is a status, not a stage):
    - creation: the deal enters its first stage (the old value of its first stage_id
      change, or its current stage if it never moved) at add_time;
    - a stage_id change: the deal enters the new stage at log_time;
    - a status change to won or lost: the deal enters its pipeline's synthetic won/lost
      stage (stg_pipedrive__pipeline_stages) at log_time;
    - a status change back to open (reopened): the deal re-enters the open stage it was in
      at that time.
    Known limit: a deal moved to another pipeline keeps its current pipeline's won/lost stages.
#}

with

flow as (

    select * from {{ source('pipedrive', 'deal_flow') }}

),

deals as (

    select * from {{ source('pipedrive', 'deals') }}

),

stage_moves as (

    select
        flow.deal_id,
        flow.id as change_id,
        flow.old_value,
        flow.new_value,
        flow.log_time,
        flow._dlt_load_id
    from flow
    where flow.field_key = 'stage_id'

),

first_moves as (

    select deal_id, old_value as first_stage_id
    from (
        select
            stage_moves.*,
            row_number() over (partition by deal_id order by log_time, change_id) as move_rank
        from stage_moves
    ) as ranked
    where move_rank = 1

),

creation as (

    select
        deals.id as deal_id,
        coalesce(first_moves.first_stage_id, cast(deals.stage_id as {{ dbt.type_string() }})) as stage_id,
        deals.add_time as entered_at,
        deals._dlt_load_id
    from deals
    left join first_moves
        on deals.id = first_moves.deal_id

),

status_changes as (

    select
        flow.deal_id,
        flow.id as change_id,
        flow.new_value as new_status,
        flow.log_time,
        flow._dlt_load_id
    from flow
    where flow.field_key = 'status'
      and flow.new_value in ('open', 'won', 'lost')

),

closes as (

    select
        status_changes.deal_id,
        {{ dbt.concat(["cast(deals.pipeline_id as " ~ dbt.type_string() ~ ")", "'-'", "status_changes.new_status"]) }} as stage_id,
        status_changes.log_time as entered_at,
        status_changes._dlt_load_id
    from status_changes
    inner join deals
        on status_changes.deal_id = deals.id
    where status_changes.new_status in ('won', 'lost')

),

reopens as (

    -- the open stage a reopened deal was in: its last stage move before the reopening,
    -- else its first stage
    select
        ranked.deal_id,
        coalesce(ranked.new_value, creation.stage_id) as stage_id,
        ranked.log_time as entered_at,
        ranked._dlt_load_id
    from (
        select
            status_changes.deal_id,
            status_changes.log_time,
            status_changes._dlt_load_id,
            stage_moves.new_value,
            row_number() over (
                partition by status_changes.deal_id, status_changes.change_id
                order by stage_moves.log_time desc, stage_moves.change_id desc
            ) as move_rank
        from status_changes
        left join stage_moves
            on status_changes.deal_id = stage_moves.deal_id
            and stage_moves.log_time <= status_changes.log_time
        where status_changes.new_status = 'open'
    ) as ranked
    inner join creation
        on ranked.deal_id = creation.deal_id
    where ranked.move_rank = 1

),

entries as (

    select deal_id, stage_id, entered_at, _dlt_load_id from creation
    union all
    select stage_moves.deal_id, stage_moves.new_value, stage_moves.log_time, stage_moves._dlt_load_id
    from stage_moves
    inner join deals
        on stage_moves.deal_id = deals.id
    union all
    select deal_id, stage_id, entered_at, _dlt_load_id from closes
    union all
    select deal_id, stage_id, entered_at, _dlt_load_id from reopens

),

renamed as (

    select

        -- ids
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        -- dates and timestamps
        cast(entered_at as {{ dbt.type_timestamp() }}) as entered_at,
        -- load metadata
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from entries

)

select * from renamed
