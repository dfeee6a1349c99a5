{#
    One row per rep and fiscal quarter in which the rep was employed, plus one company row
    per fiscal quarter: the Pearson correlation between a closed deal's activity count
    (x: calls, meetings, emails and demos logged on the deal up to the as-of cutoff) and its
    outcome (y: 1 won, 0 lost), over the deals closed (closed_date) in the quarter, owned by
    the rep (company: all deals). Computed from exact integer sums so reruns are identical
    on any engine:

        r = (n*sum(xy) - sum(x)*sum(y)) / sqrt((n*sum(x2) - sum(x)^2) * (n*sum(y2) - sum(y)^2))

    null when fewer than 3 closed deals, or when x or y has no variance (all won, all lost,
    or every deal with the same activity count).
#}

with

calendar as (

    select * from {{ ref('int_calendar') }}

),

reps as (

    select * from {{ ref('int_users') }}
    where role = 'rep'

),

activities as (

    select * from {{ ref('int_activities') }}

),

deals as (

    select * from {{ ref('int_deals') }}

),

quarters as (

    select distinct
        quarter_start,
        {{ salespulse.period_end('quarter', 'quarter_start') }} as quarter_end

    from calendar

),

deal_activity as (

    select
        deal_id,
        count(*) as activities

    from activities
    where deal_id is not null
    group by deal_id

),

closed_deals as (

    select
        deals.owner_id as user_id,
        calendar.quarter_start,
        coalesce(deal_activity.activities, 0) as x,
        case when deals.deal_status = 'won' then 1 else 0 end as y

    from deals
    inner join calendar
        on deals.closed_date = calendar.date_day
    left join deal_activity
        on deals.deal_id = deal_activity.deal_id
    where deals.deal_status in ('won', 'lost')

),

rep_sums as (

    select
        'rep' as scope,
        user_id,
        quarter_start,
        count(*) as n,
        sum(x) as sum_x,
        sum(y) as sum_y,
        sum(x * y) as sum_xy,
        sum(x * x) as sum_x2,
        sum(y * y) as sum_y2

    from closed_deals
    group by user_id, quarter_start

),

company_sums as (

    select
        'company' as scope,
        cast(null as {{ dbt.type_string() }}) as user_id,
        quarter_start,
        count(*) as n,
        sum(x) as sum_x,
        sum(y) as sum_y,
        sum(x * y) as sum_xy,
        sum(x * x) as sum_x2,
        sum(y * y) as sum_y2

    from closed_deals
    group by quarter_start

),

rep_quarters as (

    select
        'rep' as scope,
        reps.user_id,
        quarters.quarter_start,
        quarters.quarter_end

    from reps
    inner join quarters
        on reps.hire_date < quarters.quarter_end
        and (reps.left_date is null or reps.left_date >= quarters.quarter_start)

),

company_quarters as (

    select
        'company' as scope,
        cast(null as {{ dbt.type_string() }}) as user_id,
        quarter_start,
        quarter_end

    from quarters

),

spine as (

    select
        rep_quarters.scope,
        rep_quarters.user_id,
        rep_quarters.quarter_start,
        rep_quarters.quarter_end,
        coalesce(rep_sums.n, 0) as n,
        coalesce(rep_sums.sum_x, 0) as sum_x,
        coalesce(rep_sums.sum_y, 0) as sum_y,
        coalesce(rep_sums.sum_xy, 0) as sum_xy,
        coalesce(rep_sums.sum_x2, 0) as sum_x2,
        coalesce(rep_sums.sum_y2, 0) as sum_y2

    from rep_quarters
    left join rep_sums
        on rep_quarters.user_id = rep_sums.user_id
        and rep_quarters.quarter_start = rep_sums.quarter_start

    union all

    select
        company_quarters.scope,
        company_quarters.user_id,
        company_quarters.quarter_start,
        company_quarters.quarter_end,
        coalesce(company_sums.n, 0) as n,
        coalesce(company_sums.sum_x, 0) as sum_x,
        coalesce(company_sums.sum_y, 0) as sum_y,
        coalesce(company_sums.sum_xy, 0) as sum_xy,
        coalesce(company_sums.sum_x2, 0) as sum_x2,
        coalesce(company_sums.sum_y2, 0) as sum_y2

    from company_quarters
    left join company_sums
        on company_quarters.quarter_start = company_sums.quarter_start

),

moments as (

    select
        spine.*,
        -- exact integers; cast to double only for the final product and square root
        spine.n * spine.sum_xy - spine.sum_x * spine.sum_y as covariance_term,
        spine.n * spine.sum_x2 - spine.sum_x * spine.sum_x as variance_term_x,
        spine.n * spine.sum_y2 - spine.sum_y * spine.sum_y as variance_term_y

    from spine

),

final as (

    select
        -- grain
        moments.scope,
        moments.user_id,
        reps.full_name as rep_name,
        reps.team_id,
        reps.region,
        moments.quarter_start,
        moments.quarter_end,
        -- sufficient statistics
        moments.n as deals_closed,
        moments.sum_y as deals_won,
        moments.sum_x as activities_on_closed_deals,
        moments.sum_xy as activities_on_won_deals,
        moments.sum_x2 as sum_activities_squared,
        -- averages by outcome
        {{ salespulse.safe_divide('moments.sum_xy', 'moments.sum_y') }} as avg_activities_won,
        {{ salespulse.safe_divide('moments.sum_x - moments.sum_xy', 'moments.n - moments.sum_y') }}
            as avg_activities_lost,
        -- correlation
        case
            when moments.n >= 3 and moments.variance_term_x > 0 and moments.variance_term_y > 0
            then {{ salespulse.safe_divide(
                'moments.covariance_term',
                'sqrt(cast(moments.variance_term_x as ' ~ salespulse.type_double() ~ ') * cast(moments.variance_term_y as ' ~ salespulse.type_double() ~ '))') }}
        end as activity_win_correlation,
        -- flags
        (moments.quarter_end <= {{ salespulse.as_of_next_day() }}) as is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from moments
    left join reps
        on moments.user_id = reps.user_id

)

select * from final
