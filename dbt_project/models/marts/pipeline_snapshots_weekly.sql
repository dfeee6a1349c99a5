{#
    Weekly pipeline snapshots: one row per complete ISO week (Monday to Sunday; a week that
    has not ended by the as-of date is not in) and deal open at the end of the week's
    Sunday, in the stage it stood in then (int_pipeline_week_states, from the stage spells
    of int_pipeline_stage_spells: stage history before that day's end in the reporting
    time zone). Amounts are the latest extracted local amounts converted at the rate of
    the week's Sunday (a dated rate: the pipeline as it stood then, in the reporting
    currency of then). The owner, amount and expected close date are the CRM's latest
    values: the extract keeps no history of them.

    Appended, not rebuilt (macros/incremental.sql): a row depends on its deal's stage
    spells and latest values, and on its week's rate, never on the as-of date. Each row
    carries its deal's fingerprint (the spells' hash and the latest values) and the rate it
    used. A run deletes the rows of deals whose fingerprint changed or that are no longer
    live, of weeks whose rate changed, and of weeks after the as-of date (pre-hook); it then
    appends the rows of deals without stored rows (every week) and of weeks not stored yet
    (every other deal), and stamps every row with the run's as-of date (post-hook). So a
    weekly run appends one week and the deals that changed, and any run equals a full
    rebuild as of its date, including a rerun as of an earlier week.
#}

{{ config(
    materialized=salespulse.incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ salespulse.delete_stale_snapshots() }}",
    post_hook="{{ salespulse.stamp_as_of_date() }}",
) }}

with

weeks as (

    select period_start as week_start

    from {{ ref('int_periods') }}
    where period_type = 'week'
      and period_end <= {{ salespulse.as_of_next_day() }}

),

-- the pipeline at each complete week's end (int_pipeline_week_states also holds the week
-- before the first reporting week, and the deals closed at a week's end)
week_states as (

    select week_states.*
    from {{ ref('int_pipeline_week_states') }} as week_states
    inner join weeks
        on week_states.week_start = weeks.week_start
    where week_states.spell_status = 'open'

),

{% if is_incremental() %}

-- after the pre-hook, stored rows are those of unchanged deals in unchanged weeks up to the
-- as-of date
stored_deals as (

    select distinct deal_id from {{ this }}

),

stored_weeks as (

    select distinct week_start from {{ this }}

),

new_rows as (

    -- deals without stored rows (new, changed, or not open at any stored week's end): every
    -- week
    select week_states.*
    from week_states
    left join stored_deals
        on week_states.deal_id = stored_deals.deal_id
    where stored_deals.deal_id is null

    union all

    -- weeks not stored yet: the other deals
    select week_states.*
    from week_states
    inner join stored_deals
        on week_states.deal_id = stored_deals.deal_id
    left join stored_weeks
        on week_states.week_start = stored_weeks.week_start
    where stored_weeks.week_start is null

),

{% else %}

new_rows as (

    select * from week_states

),

{% endif %}

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

week_end_rates as (

    select rate_date, currency_code, to_reporting_factor
    from {{ ref('int_fx_rates_daily') }}

),

final as (

    select
        -- grain
        new_rows.week_start,
        new_rows.week_end,
        new_rows.deal_id,
        -- attributes
        new_rows.pipeline_id,
        deals.owner_id,
        deals.segment,
        new_rows.stage_id,
        new_rows.stage_name,
        new_rows.stage_order,
        new_rows.stage_probability,
        new_rows.stage_entered_date,
        cast({{ dbt.datediff('new_rows.stage_entered_date', 'new_rows.week_end', 'day') }} as {{ dbt.type_int() }}) as days_in_stage,
        deals.expected_close_date,
        deals.created_date,
        -- money, at the week end's rate
        deals.currency_code,
        deals.amount_local,
        week_end_rates.to_reporting_factor as fx_rate,
        {{ salespulse.convert_money('deals.amount_local', 'week_end_rates.to_reporting_factor') }} as amount,
        {{ salespulse.double_to_money('deals.amount_local * week_end_rates.to_reporting_factor * new_rows.stage_probability') }} as weighted_amount,
        -- flags
        (deals.created_date >= new_rows.week_start) as is_created_in_week,
        (new_rows.entry_of_stage > 1) as is_stage_reentry,
        (deals.expected_close_date <= new_rows.week_end) as is_past_expected_close,
        {{ salespulse.as_of_date() }} as as_of_date,
        -- what the row was computed from, and by which dbt invocation
        {{ salespulse.snapshot_deal_fingerprint('new_rows.spells_hash', 'deals') }} as deal_fingerprint,
        '{{ invocation_id }}' as dbt_invocation_id

    from new_rows
    inner join deals
        on new_rows.deal_id = deals.deal_id
    left join week_end_rates
        on deals.currency_code = week_end_rates.currency_code
        and new_rows.week_end = week_end_rates.rate_date

)

select * from final
