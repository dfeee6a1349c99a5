{#
    Win/loss analysis: one row per fiscal quarter (history start to the quarter containing
    the as-of date), dimension and dimension value: deals won and lost (closed in the
    quarter, as of the as-of date), win rate by count and by amount, loss rate, share of
    the quarter's losses, average won deal value. Dimensions: company, owner (rep),
    segment, pipeline, size_band (macro pipeline_size_band), loss_reason and competitor
    (lost deals only; win rates do not apply there). Every dimension value known among the
    live deals gets a row in every quarter, so a segment with no closed deals shows zeros
    and null rates instead of vanishing.
#}

with

deals as (

    select
        deal_id,
        deal_status,
        owner_id,
        pipeline_id,
        coalesce(segment, '(unknown)') as segment,
        {{ salespulse.pipeline_size_band('amount') }} as size_band,
        case when deal_status = 'lost' then coalesce(loss_reason, '(not recorded)') end as loss_reason,
        case when deal_status = 'lost' then coalesce(competitor, '(none)') end as competitor,
        amount,
        closed_date

    from {{ ref('int_deals') }}

),

quarters as (

    select period_start as quarter_start, period_end as quarter_end, is_complete_period
    from {{ ref('int_periods') }}
    where period_type = 'quarter'

),

-- one row per deal and dimension it is analysed by
deal_dimensions as (

    select deal_id, 'company' as dimension, 'all' as dimension_value from deals
    union all
    select deal_id, 'owner' as dimension, owner_id as dimension_value from deals
    union all
    select deal_id, 'segment' as dimension, segment as dimension_value from deals
    union all
    select deal_id, 'pipeline' as dimension, pipeline_id as dimension_value from deals
    union all
    select deal_id, 'size_band' as dimension, size_band as dimension_value from deals
    union all
    select deal_id, 'loss_reason' as dimension, loss_reason as dimension_value from deals
    where loss_reason is not null
    union all
    select deal_id, 'competitor' as dimension, competitor as dimension_value from deals
    where competitor is not null

),

dimension_values as (

    select distinct dimension, dimension_value from deal_dimensions
    where dimension <> 'size_band'
    union all
    select 'size_band' as dimension, size_band as dimension_value
    from ({{ salespulse.pipeline_size_bands_values() }}) as bands

),

closed_deals as (

    select
        quarters.quarter_start,
        deals.deal_id,
        deals.deal_status,
        deals.amount

    from deals
    inner join quarters
        on {{ salespulse.period_start('quarter', 'deals.closed_date') }} = quarters.quarter_start
    where deals.deal_status in ('won', 'lost')

),

outcomes as (

    select
        closed_deals.quarter_start,
        deal_dimensions.dimension,
        deal_dimensions.dimension_value,
        sum(case when closed_deals.deal_status = 'won' then 1 else 0 end) as deals_won,
        sum(case when closed_deals.deal_status = 'lost' then 1 else 0 end) as deals_lost,
        sum(case when closed_deals.deal_status = 'won' then closed_deals.amount end) as won_amount,
        sum(case when closed_deals.deal_status = 'won' and closed_deals.amount is not null then 1 else 0 end) as won_deals_with_amount,
        sum(case when closed_deals.deal_status = 'lost' then closed_deals.amount end) as lost_amount

    from closed_deals
    inner join deal_dimensions
        on closed_deals.deal_id = deal_dimensions.deal_id
    group by closed_deals.quarter_start, deal_dimensions.dimension, deal_dimensions.dimension_value

),

quarter_losses as (

    select
        quarter_start,
        sum(case when deal_status = 'lost' then 1 else 0 end) as quarter_deals_lost

    from closed_deals
    group by quarter_start

),

spine as (

    select
        quarters.quarter_start,
        quarters.quarter_end,
        quarters.is_complete_period,
        dimension_values.dimension,
        dimension_values.dimension_value

    from quarters
    cross join dimension_values

),

counted as (

    select
        spine.*,
        coalesce(outcomes.deals_won, 0) as deals_won,
        coalesce(outcomes.deals_lost, 0) as deals_lost,
        coalesce(outcomes.won_amount, 0) as won_amount,
        coalesce(outcomes.won_deals_with_amount, 0) as won_deals_with_amount,
        coalesce(outcomes.lost_amount, 0) as lost_amount,
        coalesce(quarter_losses.quarter_deals_lost, 0) as quarter_deals_lost,
        (spine.dimension in ('loss_reason', 'competitor')) as is_loss_dimension

    from spine
    left join outcomes
        on spine.quarter_start = outcomes.quarter_start
        and spine.dimension = outcomes.dimension
        and spine.dimension_value = outcomes.dimension_value
    left join quarter_losses
        on spine.quarter_start = quarter_losses.quarter_start

),

final as (

    select
        -- grain
        quarter_start,
        quarter_end,
        dimension,
        dimension_value,
        -- counts and amounts
        deals_won,
        deals_lost,
        deals_won + deals_lost as deals_closed,
        won_amount,
        lost_amount,
        -- rates
        case when not is_loss_dimension
            then {{ salespulse.safe_divide('deals_won', 'deals_won + deals_lost') }}
        end as win_rate,
        case when not is_loss_dimension
            then {{ salespulse.safe_divide('won_amount', 'won_amount + lost_amount') }}
        end as win_rate_by_amount,
        case when not is_loss_dimension
            then {{ salespulse.safe_divide('deals_lost', 'deals_won + deals_lost') }}
        end as loss_rate,
        {{ salespulse.safe_divide('deals_lost', 'quarter_deals_lost') }} as loss_share,
        {{ salespulse.double_to_money(salespulse.safe_divide('won_amount', 'won_deals_with_amount')) }} as average_won_deal_value,
        -- flags
        is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from counted

)

select * from final
