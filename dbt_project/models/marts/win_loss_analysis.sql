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

{#- the dimensions deals are analysed by: (name, value, the deals that have one) #}
{%- set dimensions = [
    ("'company'", "'all'", none),
    ("'owner'", 'owner_id', none),
    ("'segment'", 'segment', none),
    ("'pipeline'", 'pipeline_id', none),
    ("'size_band'", 'size_band', none),
    ("'loss_reason'", 'loss_reason', 'loss_reason is not null'),
    ("'competitor'", 'competitor', 'competitor is not null'),
] %}

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

-- every value of every dimension among the live deals (size bands: all of them)
dimension_values as (

    {%- for dimension, value, condition in dimensions if dimension != "'size_band'" %}
    select distinct {{ dimension }} as dimension, {{ value }} as dimension_value
    from deals
    {%- if condition %}
    where {{ condition }}
    {%- endif %}
    union all
    {%- endfor %}
    select 'size_band' as dimension, size_band as dimension_value
    from ({{ salespulse.pipeline_size_bands_values() }}) as bands

),

closed_deals as (

    select
        quarters.quarter_start,
        deals.*

    from deals
    inner join quarters
        on {{ salespulse.period_start('quarter', 'deals.closed_date') }} = quarters.quarter_start
    where deals.deal_status in ('won', 'lost')

),

-- each closed deal once per dimension, its values carried along: no join back by deal_id
closed_dimensions as (

    {%- for dimension, value, condition in dimensions %}
    select quarter_start, deal_status, amount, {{ dimension }} as dimension, {{ value }} as dimension_value
    from closed_deals
    {%- if condition %}
    where {{ condition }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

outcomes as (

    select
        quarter_start,
        dimension,
        dimension_value,
        sum(case when deal_status = 'won' then 1 else 0 end) as deals_won,
        sum(case when deal_status = 'lost' then 1 else 0 end) as deals_lost,
        sum(case when deal_status = 'won' then amount end) as won_amount,
        sum(case when deal_status = 'won' and amount is not null then 1 else 0 end) as won_deals_with_amount,
        sum(case when deal_status = 'lost' then amount end) as lost_amount

    from closed_dimensions
    group by quarter_start, dimension, dimension_value

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
