{#
    Historical stage-to-won conversion: one row per reference fiscal quarter (every fiscal
    quarter from the history start to the one containing the as-of date), pipeline and open
    stage. Among the live deals that entered the stage and whose close, as it stood at the
    reference quarter's start, fell in the four complete fiscal quarters before it (window
    [reference - 12 months, reference)), the share that was won. A deal counts once per
    stage however often it (re-)entered it; a deal lost and later reopened counts with the
    outcome it showed at the window end. Forecasts take the row of the quarter containing
    their reference date (the as-of date, or a past period's start), so a past forecast
    only uses closes known then. Where no deal closed, the stage's default probability is
    the fallback (forecast_probability, probability_source).

    int_stage_visits (a view) is read where used rather than through an import CTE: DuckDB
    materializes a CTE read twice, which here would copy every visit.
#}

with

live_deals as (

    select deal_id from {{ ref('int_deals') }}

),

-- no canonical model holds the stage catalogue with its default probabilities
stages as (

    select * from {{ ref('stg_crm__pipeline_stages') }}

),

reference_quarters as (

    select
        period_start as reference_quarter_start,
        cast({{ dbt.dateadd('month', -12, 'period_start') }} as date) as window_start,
        period_start as window_end

    from {{ ref('int_periods') }}
    where period_type = 'quarter'

),

closures as (

    -- every entry of a live deal into a closed stage; it stops being the deal's state when
    -- the deal is reopened (the next entry)
    select
        visits.deal_id,
        visits.visit_number as closing_visit_number,
        visits.is_won_stage,
        {{ salespulse.local_date('visits.entered_at') }} as closed_date,
        {{ salespulse.local_date('visits.exited_at') }} as reopened_date

    from {{ ref('int_stage_visits') }} as visits
    inner join live_deals
        on visits.deal_id = live_deals.deal_id
    where visits.is_closed_stage

),

-- a deal's first entry into each open stage: a deal entered the stage before a close
-- exactly when its first entry there came before it (entry_of_stage numbers a deal's
-- entries into a stage in visit order), so each stage counts once per close without a
-- distinct over every earlier visit
first_open_entries as (

    select deal_id, stage_id, visit_number
    from {{ ref('int_stage_visits') }}
    where entry_of_stage = 1
      and not is_closed_stage

),

-- the open stages each closed deal entered before its close, once per close, with the
-- fiscal quarters of the close and of the reopening
stages_before_close as (

    select
        closures.deal_id,
        closures.closing_visit_number,
        closures.is_won_stage,
        {{ salespulse.period_start('quarter', 'closures.closed_date') }} as closed_quarter_start,
        {{ salespulse.period_start('quarter', 'closures.reopened_date') }} as reopened_quarter_start,
        first_open_entries.stage_id

    from closures
    inner join first_open_entries
        on closures.deal_id = first_open_entries.deal_id
        and first_open_entries.visit_number < closures.closing_visit_number

),

-- A close counts for a reference quarter when it fell in the window and was not reopened
-- before the window end. Both window ends are fiscal quarter starts, so a date is inside
-- exactly when its fiscal quarter is, and the closes are counted per stage and quarters
-- first (a few thousand rows) before meeting the reference quarters: a join of every
-- close with its four reference quarters made 6.0M rows at 1M deals. A deal has at most
-- one close in a window (an earlier close was reopened before the later one, so before
-- the window end), so each counts once per stage and reference quarter.
closes_by_quarter as (

    select
        stage_id,
        closed_quarter_start,
        reopened_quarter_start,
        count(*) as deals_closed,
        sum(case when is_won_stage then 1 else 0 end) as deals_won

    from stages_before_close
    group by stage_id, closed_quarter_start, reopened_quarter_start

),

outcomes as (

    select
        reference_quarters.reference_quarter_start,
        closes_by_quarter.stage_id,
        sum(closes_by_quarter.deals_closed) as deals_closed,
        sum(closes_by_quarter.deals_won) as deals_won

    from reference_quarters
    inner join closes_by_quarter
        on closes_by_quarter.closed_quarter_start >= reference_quarters.window_start
        and closes_by_quarter.closed_quarter_start < reference_quarters.window_end
        and (closes_by_quarter.reopened_quarter_start is null
            or closes_by_quarter.reopened_quarter_start >= reference_quarters.window_end)
    group by reference_quarters.reference_quarter_start, closes_by_quarter.stage_id

),

spine as (

    select
        reference_quarters.reference_quarter_start,
        reference_quarters.window_start,
        reference_quarters.window_end,
        stages.pipeline_id,
        stages.stage_id,
        stages.stage_name,
        stages.stage_order,
        {{ salespulse.pct_to_fraction("stages.stage_probability_pct") }} as stage_probability

    from reference_quarters
    cross join stages
    where not stages.is_closed

),

final as (

    select
        -- grain
        spine.reference_quarter_start,
        spine.pipeline_id,
        spine.stage_id,
        -- attributes
        spine.stage_name,
        spine.stage_order,
        spine.window_start,
        spine.window_end,
        -- measures
        coalesce(outcomes.deals_closed, 0) as deals_closed,
        coalesce(outcomes.deals_won, 0) as deals_won,
        {{ salespulse.safe_divide('outcomes.deals_won', 'outcomes.deals_closed') }} as historical_win_rate,
        spine.stage_probability,
        coalesce(
            {{ salespulse.safe_divide('outcomes.deals_won', 'outcomes.deals_closed') }},
            spine.stage_probability
        ) as forecast_probability,
        case
            when coalesce(outcomes.deals_closed, 0) > 0 then 'historical'
            else 'stage_default'
        end as probability_source,
        (spine.reference_quarter_start = {{ salespulse.period_start('quarter', salespulse.as_of_date()) }}) as is_as_of_quarter,
        {{ salespulse.as_of_date() }} as as_of_date

    from spine
    left join outcomes
        on spine.reference_quarter_start = outcomes.reference_quarter_start
        and spine.stage_id = outcomes.stage_id

)

select * from final
