{#
    Deal size risk: one row per open deal as of the as-of date, its amount against the
    average won deal value of its account segment over the four complete fiscal quarters
    before the quarter containing the as-of date (the same window as the historical win
    rates). A deal more than var deal_size_risk_ratio (default 3) times that average is
    flagged large, less than 1 / ratio times it small: large deals close less often and
    take longer, small ones may be mis-sized. The comparison is made on exact decimals
    (amount x won deals vs ratio x won amount), so borderline deals flag the same in every
    run.
#}

{%- set ratio = var('deal_size_risk_ratio', 3) -%}

with

deals as (

    select
        deal_id,
        deal_status,
        owner_id,
        pipeline_id,
        stage_id,
        stage_name,
        coalesce(segment, '(unknown)') as segment,
        amount,
        expected_close_date,
        created_date,
        closed_date

    from {{ ref('int_deals') }}

),

baseline as (

    select
        segment,
        count(*) as baseline_won_deals,
        sum(amount) as baseline_won_amount

    from deals
    where deal_status = 'won'
      and amount is not null
      and closed_date >= cast({{ dbt.dateadd('month', -12, salespulse.period_start('quarter', salespulse.as_of_date())) }} as date)
      and closed_date < {{ salespulse.period_start('quarter', salespulse.as_of_date()) }}
    group by segment

),

open_deals as (

    select
        deals.*,
        coalesce(baseline.baseline_won_deals, 0) as baseline_won_deals,
        coalesce(baseline.baseline_won_amount, 0) as baseline_won_amount

    from deals
    left join baseline
        on deals.segment = baseline.segment
    where deals.deal_status = 'open'

),

final as (

    select
        -- ids
        deal_id,
        owner_id,
        pipeline_id,
        stage_id,
        -- attributes
        stage_name,
        segment,
        {{ salespulse.pipeline_size_band('amount') }} as size_band,
        expected_close_date,
        created_date,
        -- money
        amount,
        baseline_won_deals,
        {{ salespulse.double_to_money(salespulse.safe_divide('baseline_won_amount', 'baseline_won_deals')) }} as segment_average_won_deal_value,
        {{ salespulse.safe_divide('amount * baseline_won_deals', 'baseline_won_amount') }} as deal_size_ratio,
        -- flags
        case
            when amount is null or baseline_won_deals = 0 then 'unknown'
            when amount * baseline_won_deals > {{ ratio }} * baseline_won_amount then 'large'
            when {{ ratio }} * amount * baseline_won_deals < baseline_won_amount then 'small'
            else 'normal'
        end as size_risk,
        coalesce(
            amount is not null and baseline_won_deals > 0
            and (amount * baseline_won_deals > {{ ratio }} * baseline_won_amount
                 or {{ ratio }} * amount * baseline_won_deals < baseline_won_amount),
            false
        ) as is_size_risky,
        {{ salespulse.as_of_date() }} as as_of_date

    from open_deals

)

select * from final
