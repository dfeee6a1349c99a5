{#
    One row per pipeline and open stage: how many deals visited it, how long they stayed
    (average, median, p90 days; open visits measured to the as-of date), how many moved
    on to a later stage or to won, and which stage is the pipeline's bottleneck.
#}

with

visits as (

    select * from {{ ref('stage_visits') }}
    where not is_closed_stage

),

stages as (

    select * from {{ ref('stg_crm__pipeline_stages') }}
    where not is_closed

),

-- whether the deal moved on after a visit: a later visit to the won stage, or to an open
-- stage further along the pipeline (one ordered pass over each deal's visits; visit_number
-- is never null: `nulls first` changes nothing and lets the window transpile to BigQuery)
visits_with_later as (

    select
        all_visits.*,
        max(case when all_visits.is_won_stage then 1 else 0 end) over (
            partition by all_visits.deal_id order by all_visits.visit_number nulls first
            rows between 1 following and unbounded following
        ) as is_won_later,
        max(case when not all_visits.is_closed_stage then all_visits.stage_order end) over (
            partition by all_visits.deal_id order by all_visits.visit_number nulls first
            rows between 1 following and unbounded following
        ) as furthest_open_stage_order_later

    from {{ ref('stage_visits') }} as all_visits

),

-- per deal and stage: did the deal go further than the stage after entering it, and was
-- it won. A deal's first entry into a stage (entry_of_stage = 1) stands for all its visits
-- there: each later visit is after it, and is to the same stage, which is neither won nor
-- further along, so the deal moved on after some visit exactly when it moved on after the
-- first. One row per deal and stage, with no grouping. (A stage belongs to one pipeline.)
deal_stage_reach as (

    select
        pipeline_id,
        stage_id,
        deal_id,
        case
            when is_won_later = 1 then 1
            when furthest_open_stage_order_later > stage_order then 1
            else 0
        end as advanced,
        case when deal_status = 'won' then 1 else 0 end as won

    from visits_with_later
    where not is_closed_stage
      and entry_of_stage = 1

),

reach as (

    select
        pipeline_id,
        stage_id,
        count(*) as deals_entered,
        sum(advanced) as deals_advanced,
        sum(won) as deals_won

    from deal_stage_reach
    group by pipeline_id, stage_id

),

durations as (

    select
        pipeline_id,
        stage_id,
        count(*) as visits,
        sum(case when is_open_visit then 1 else 0 end) as open_visits,
        {{ salespulse.safe_divide('sum(duration_seconds)', 'count(duration_seconds) * 86400') }} as avg_days,
        {{ salespulse.median('duration_days') }} as median_days,
        {{ salespulse.percentile_cont('duration_days', 0.9) }} as p90_days

    from visits
    group by pipeline_id, stage_id

),

combined as (

    select
        stages.pipeline_id,
        stages.stage_id,
        stages.stage_name,
        stages.stage_order,
        coalesce(durations.visits, 0) as visits,
        coalesce(durations.open_visits, 0) as open_visits,
        coalesce(reach.deals_entered, 0) as deals_entered,
        coalesce(reach.deals_advanced, 0) as deals_advanced,
        coalesce(reach.deals_won, 0) as deals_won,
        durations.avg_days,
        durations.median_days,
        durations.p90_days,
        {{ salespulse.safe_divide('reach.deals_advanced', 'reach.deals_entered') }} as conversion_to_next,
        {{ salespulse.safe_divide('reach.deals_won', 'reach.deals_entered') }} as conversion_to_won

    from stages
    left join durations
        on stages.pipeline_id = durations.pipeline_id
        and stages.stage_id = durations.stage_id
    left join reach
        on stages.pipeline_id = reach.pipeline_id
        and stages.stage_id = reach.stage_id

),

pipeline_baseline as (

    select
        pipeline_id,
        {{ salespulse.median('median_days') }} as pipeline_median_stage_days

    from combined
    group by pipeline_id

),

scored as (

    select
        combined.*,
        1 - combined.conversion_to_next as drop_off_rate,
        {{ salespulse.safe_divide('combined.median_days', 'pipeline_baseline.pipeline_median_stage_days') }}
            as duration_vs_pipeline,
        row_number() over (
            partition by combined.pipeline_id
            order by combined.median_days desc, combined.stage_order
        ) as duration_rank

    from combined
    inner join pipeline_baseline
        on combined.pipeline_id = pipeline_baseline.pipeline_id

),

final as (

    select
        scored.*,
        (duration_rank = 1 and duration_vs_pipeline >= {{ var('bottleneck_duration_ratio', 1.5) }}) as is_bottleneck,
        {{ salespulse.as_of_date() }} as as_of_date

    from scored

)

select * from final
