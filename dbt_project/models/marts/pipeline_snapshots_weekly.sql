{#
    Weekly pipeline snapshots: one row per complete ISO week (Monday to Sunday; a week that
    has not ended by the as-of date is not in) and deal open at the end of the week's
    Sunday, in the stage it stood in then (int_pipeline_week_states, from the stage spells
    of int_pipeline_stage_spells: stage history before that day's end in the reporting
    time zone). Amounts are the latest extracted
    local amounts converted at the as-of date's rate, so every week uses the same rate and
    week-over-week changes are pipeline movement, not currency movement. The owner,
    amount and expected close date are the CRM's latest values: the extract keeps no
    history of them.
#}

with

-- the pipeline at each complete week's end (incremental: only new weeks and changed deals
-- are recomputed there)
week_states as (

    select * from {{ ref('int_pipeline_week_states') }}
    where spell_status = 'open'

),

deals as (

    select
        deal_id,
        owner_id,
        segment,
        currency_code,
        amount_local,
        expected_close_date,
        created_date

    from {{ ref('int_deals') }}

),

fx_as_of as (

    select currency_code, to_reporting_factor
    from {{ ref('int_fx_rates_daily') }}
    where rate_date = {{ salespulse.as_of_date() }}

),

weeks as (

    select period_start as week_start

    from {{ ref('int_periods') }}
    where period_type = 'week'
      and period_end <= {{ dbt.dateadd('day', 1, salespulse.as_of_date()) }}

),

snapshots as (

    select
        week_states.week_start,
        week_states.week_end,
        week_states.deal_id,
        week_states.pipeline_id,
        week_states.stage_id,
        week_states.stage_name,
        week_states.stage_order,
        week_states.stage_probability,
        week_states.entry_of_stage,
        week_states.stage_entered_date

    from week_states
    inner join weeks
        on week_states.week_start = weeks.week_start

),

final as (

    select
        -- grain
        snapshots.week_start,
        snapshots.week_end,
        snapshots.deal_id,
        -- attributes
        snapshots.pipeline_id,
        deals.owner_id,
        deals.segment,
        snapshots.stage_id,
        snapshots.stage_name,
        snapshots.stage_order,
        snapshots.stage_probability,
        snapshots.stage_entered_date,
        cast({{ dbt.datediff('snapshots.stage_entered_date', 'snapshots.week_end', 'day') }} as {{ dbt.type_int() }}) as days_in_stage,
        deals.expected_close_date,
        deals.created_date,
        -- money
        deals.currency_code,
        deals.amount_local,
        {{ salespulse.convert_money('deals.amount_local', 'fx_as_of.to_reporting_factor') }} as amount,
        {{ salespulse.double_to_money('deals.amount_local * fx_as_of.to_reporting_factor * snapshots.stage_probability') }} as weighted_amount,
        -- flags
        (deals.created_date >= snapshots.week_start) as is_created_in_week,
        (snapshots.entry_of_stage > 1) as is_stage_reentry,
        (deals.expected_close_date <= snapshots.week_end) as is_past_expected_close,
        {{ salespulse.as_of_date() }} as as_of_date

    from snapshots
    inner join deals
        on snapshots.deal_id = deals.deal_id
    left join fx_as_of
        on deals.currency_code = fx_as_of.currency_code

)

select * from final
