{#
    Week-over-week pipeline movement: one row per complete ISO week and movement type, with
    the deals and amount in it. The pipeline at the week's start is the one at the end of
    the previous Sunday, at its end the one at the end of its Sunday (as in
    pipeline_snapshots_weekly; both read int_pipeline_week_states). Each deal is classified by its state at both ends:
      open_at_start + new + reopened - won - lost = open_at_end   (counts and amounts)
    new = not open at the start, created in the week, open at the end; reopened = closed at
    the start (lost earlier), open at the end; won / lost = open at the start, closed at the
    end; advanced / regressed / stage_unchanged = open at both ends, later / earlier / same
    stage order at the end; created_and_closed = created and closed inside the week (outside
    the identity). Close-date movements: the CRM extract keeps only the latest
    expected_close_date, so a pushed close date cannot be seen; instead slipped = open at
    the week end with expected_close_date on or before the week end (a stock),
    slipped_in_week = of those, expected in this week, slipped_out_of_period = open at the
    week end although expected in a fiscal quarter that ended during this week. Amounts are
    the latest local amounts at the rate of the week's Sunday, for every movement of the
    week (as in the snapshots: open_at_end is the week's snapshot), so a week's flows add up
    exactly; the previous week's open_at_end is at its own Sunday's rate, and what differs
    from this week's open_at_start is currency movement. Bookings at the close date's rate
    are in forecast_by_period / win_loss_analysis.
#}

{%- set movements = ['open_at_start', 'new', 'reopened', 'won', 'lost', 'open_at_end', 'advanced', 'regressed', 'stage_unchanged', 'created_and_closed', 'slipped', 'slipped_in_week', 'slipped_out_of_period'] %}

with

-- the pipeline at each week's end (incremental: only new weeks and changed deals are
-- recomputed there); it also holds the week before the first, the first week's start
week_states as (

    select * from {{ ref('int_pipeline_week_states') }}

),

week_end_rates as (

    select rate_date, currency_code, to_reporting_factor
    from {{ ref('int_fx_rates_daily') }}

),

deals as (

    select
        int_deals.deal_id,
        int_deals.created_date,
        int_deals.expected_close_date,
        {{ salespulse.period_end('quarter', salespulse.period_start('quarter', 'int_deals.expected_close_date')) }} as expected_quarter_end,
        int_deals.currency_code,
        int_deals.amount_local

    from {{ ref('int_deals') }} as int_deals

),

weeks as (

    select
        period_start as week_start,
        cast({{ dbt.dateadd('day', -1, 'period_end') }} as date) as week_end

    from {{ ref('int_periods') }}
    where period_type = 'week'
      and period_end <= {{ salespulse.as_of_next_day() }}

),

-- A week-end state is the deal's state at the end of its week and at the start of the
-- next: one row per week and deal with both ends, the week's states joined with the
-- previous week's open ones (int_pipeline_week_states has one row per week and deal, a
-- tested key). At 1M deals a full join of the two took 0.81 s alone, where grouping the
-- union of both by week and deal took 1.23 s (and three filtered copies of the states, a
-- distinct union and three joins before that 3.2 s).
week_starts as (

    select cast({{ dbt.dateadd('day', 7, 'week_start') }} as date) as week_start, deal_id, stage_order
    from week_states
    where spell_status = 'open'

),

week_deals as (

    select
        coalesce(week_ends.week_start, week_starts.week_start) as week_start,
        coalesce(week_ends.deal_id, week_starts.deal_id) as deal_id,
        case when week_starts.deal_id is null then 0 else 1 end as is_open_at_start,
        week_starts.stage_order as start_stage_order,
        case when week_ends.spell_status = 'open' then 1 else 0 end as is_open_at_end,
        case when week_ends.spell_status = 'open' then week_ends.stage_order end as end_stage_order,
        -- closed at the week end by a close made during the week
        case when week_ends.spell_status <> 'open' then week_ends.spell_status end as closed_status

    from week_states as week_ends
    full outer join week_starts
        on week_ends.week_start = week_starts.week_start
        and week_ends.deal_id = week_starts.deal_id

),

transitions as (

    select
        weeks.week_start,
        weeks.week_end,
        week_deals.deal_id,
        {{ salespulse.convert_money('deals.amount_local', 'week_end_rates.to_reporting_factor') }} as amount,
        (week_deals.is_open_at_start = 1) as is_open_at_start,
        (week_deals.is_open_at_end = 1) as is_open_at_end,
        week_deals.closed_status,
        (deals.created_date >= weeks.week_start) as is_created_in_week,
        week_deals.start_stage_order,
        week_deals.end_stage_order,
        (deals.expected_close_date <= weeks.week_end) as is_past_expected_close,
        (deals.expected_close_date >= weeks.week_start) as is_expected_in_week,
        (deals.expected_quarter_end > weeks.week_start
            and deals.expected_quarter_end <= {{ dbt.dateadd('day', 1, 'weeks.week_end') }}) as is_expected_quarter_ending_in_week

    from week_deals
    inner join weeks
        on week_deals.week_start = weeks.week_start
    inner join deals
        on week_deals.deal_id = deals.deal_id
    left join week_end_rates
        on deals.currency_code = week_end_rates.currency_code
        and weeks.week_end = week_end_rates.rate_date

),

classified as (

    select
        week_start,
        amount,
        is_open_at_start as is_in_open_at_start,
        (not is_open_at_start and is_open_at_end and is_created_in_week) as is_in_new,
        (not is_open_at_start and is_open_at_end and not is_created_in_week) as is_in_reopened,
        (is_open_at_start and not is_open_at_end and closed_status = 'won') as is_in_won,
        (is_open_at_start and not is_open_at_end and closed_status = 'lost') as is_in_lost,
        is_open_at_end as is_in_open_at_end,
        (is_open_at_start and is_open_at_end and end_stage_order > start_stage_order) as is_in_advanced,
        (is_open_at_start and is_open_at_end and end_stage_order < start_stage_order) as is_in_regressed,
        (is_open_at_start and is_open_at_end and end_stage_order = start_stage_order) as is_in_stage_unchanged,
        (not is_open_at_start and not is_open_at_end and closed_status is not null and is_created_in_week) as is_in_created_and_closed,
        coalesce(is_open_at_end and is_past_expected_close, false) as is_in_slipped,
        coalesce(is_open_at_end and is_past_expected_close and is_expected_in_week, false) as is_in_slipped_in_week,
        coalesce(is_open_at_end and is_expected_quarter_ending_in_week, false) as is_in_slipped_out_of_period

    from transitions

),

-- amount x 0 or 1 rather than `case when ... then amount end`: DuckDB would inline the
-- amount's conversion into each of the thirteen branches (at 1M deals 2.2 s against 1.7 s)
weekly as (

    select
        week_start,
        {%- for movement in movements %}
        sum(case when is_in_{{ movement }} then 1 else 0 end) as {{ movement }}_deals,
        sum(amount * cast(is_in_{{ movement }} as {{ dbt.type_int() }})) as {{ movement }}_amount{{ ',' if not loop.last }}
        {%- endfor %}

    from classified
    group by week_start

),

movement_types as (

    select 'open_at_start' as movement_type, 1 as movement_order, cast(null as {{ dbt.type_int() }}) as balance_effect
    union all select 'new', 2, 1
    union all select 'reopened', 3, 1
    union all select 'won', 4, -1
    union all select 'lost', 5, -1
    union all select 'open_at_end', 6, cast(null as {{ dbt.type_int() }})
    union all select 'advanced', 7, 0
    union all select 'regressed', 8, 0
    union all select 'stage_unchanged', 9, 0
    union all select 'created_and_closed', 10, 0
    union all select 'slipped', 11, 0
    union all select 'slipped_in_week', 12, 0
    union all select 'slipped_out_of_period', 13, 0

),

week_totals as (

    select
        weeks.week_start,
        weeks.week_end,
        {%- for movement in movements %}
        coalesce(weekly.{{ movement }}_deals, 0) as {{ movement }}_deals,
        coalesce(weekly.{{ movement }}_amount, 0) as {{ movement }}_amount{{ ',' if not loop.last }}
        {%- endfor %}

    from weeks
    left join weekly
        on weeks.week_start = weekly.week_start

),

final as (

    select
        -- grain
        week_totals.week_start,
        week_totals.week_end,
        movement_types.movement_type,
        movement_types.movement_order,
        movement_types.balance_effect,
        -- measures
        case movement_types.movement_type
            {%- for movement in movements %}
            when '{{ movement }}' then week_totals.{{ movement }}_deals
            {%- endfor %}
        end as deals,
        case movement_types.movement_type
            {%- for movement in movements %}
            when '{{ movement }}' then week_totals.{{ movement }}_amount
            {%- endfor %}
        end as amount,
        -- the week's balance, on every row of the week, to check the identity
        week_totals.open_at_start_deals as week_open_at_start_deals,
        week_totals.new_deals + week_totals.reopened_deals - week_totals.won_deals - week_totals.lost_deals as week_net_flow_deals,
        week_totals.open_at_end_deals as week_open_at_end_deals,
        week_totals.open_at_start_amount as week_open_at_start_amount,
        week_totals.new_amount + week_totals.reopened_amount - week_totals.won_amount - week_totals.lost_amount as week_net_flow_amount,
        week_totals.open_at_end_amount as week_open_at_end_amount,
        {{ salespulse.as_of_date() }} as as_of_date

    from week_totals
    cross join movement_types

)

select * from final
