{#
    One row per customer account (an account with at least one subscription with MRR > 0
    started by the as-of date): when it first had MRR (its cohort), its first-ever MRR,
    its first churn (the first day after its first MRR on which no subscription is active;
    only ends on or before the as-of date are known), whether it is active at the end of the
    as-of date, and its first won new-business deal (the deal whose close started the
    customer relationship: the latest won new-business deal closed on or before the first
    MRR day): cycle length (days from deal creation to close), owner, amount. MRR is in the reporting currency at
    each subscription's start-date rate (int_subscriptions).
#}

with

subscriptions as (

    select * from {{ ref('int_subscriptions') }}
    where mrr > 0

),

deals as (

    select * from {{ ref('int_deals') }}

),

first_start as (

    select
        account_id,
        min(start_date) as first_mrr_date

    from subscriptions
    group by account_id

),

first_mrr as (

    select
        first_start.account_id,
        first_start.first_mrr_date,
        sum(subscriptions.mrr) as first_mrr

    from first_start
    inner join subscriptions
        on first_start.account_id = subscriptions.account_id
        and first_start.first_mrr_date = subscriptions.start_date
    group by first_start.account_id, first_start.first_mrr_date

),

-- days a subscription of the account ends: the candidates for a churn
end_dates as (

    select distinct account_id, end_date_exclusive as end_date
    from subscriptions
    where end_date_exclusive is not null

),

churn_candidates as (

    select
        end_dates.account_id,
        end_dates.end_date,
        sum(case
            when subscriptions.start_date <= end_dates.end_date
             and (subscriptions.end_date_exclusive is null or subscriptions.end_date_exclusive > end_dates.end_date)
            then 1 else 0
        end) as active_subscriptions

    from end_dates
    inner join subscriptions
        on end_dates.account_id = subscriptions.account_id
    group by end_dates.account_id, end_dates.end_date

),

first_churn as (

    select
        account_id,
        min(end_date) as first_churn_date

    from churn_candidates
    where active_subscriptions = 0
    group by account_id

),

current_state as (

    select
        account_id,
        sum(case when end_date_exclusive is null then mrr else 0 end) as current_mrr,
        max(start_date) as last_start_date

    from subscriptions
    group by account_id

),

-- the won new-business deal whose close started the relationship: the latest one closed
-- on or before the first MRR day (subscriptions start on the close date). None when that
-- deal is not in int_deals (e.g. deleted in the CRM): a later deal is not substituted.
first_won_deal as (

    select *
    from (
        select
            deals.account_id,
            deals.deal_id,
            deals.owner_id,
            deals.amount,
            deals.closed_date,
            deals.days_created_to_close,
            deals.sales_cycle_days,
            row_number() over (
                partition by deals.account_id order by deals.closed_at desc, deals.deal_id desc
            ) as won_rank
        from deals
        inner join first_start
            on deals.account_id = first_start.account_id
            and deals.closed_date <= first_start.first_mrr_date
        where deals.pipeline_id = 'new_business'
          and deals.deal_status = 'won'
    ) as ranked
    where won_rank = 1

),

final as (

    select
        -- ids
        first_mrr.account_id,
        first_won_deal.deal_id as first_deal_id,
        first_won_deal.owner_id as first_deal_owner_id,
        -- cohort and first MRR
        first_mrr.first_mrr_date,
        {{ salespulse.period_start('month', 'first_mrr.first_mrr_date') }} as cohort_month,
        first_mrr.first_mrr,
        -- churn and current state
        first_churn.first_churn_date,
        (first_churn.first_churn_date is not null) as has_churned,
        (current_state.current_mrr > 0) as is_active,
        current_state.current_mrr,
        (first_churn.first_churn_date is not null
            and current_state.last_start_date >= first_churn.first_churn_date) as has_reactivated,
        -- days at risk of a first churn: from the first MRR to the first churn, or to the
        -- end of the as-of date
        {{ dbt.datediff('first_mrr.first_mrr_date',
            'coalesce(first_churn.first_churn_date, ' ~ salespulse.as_of_next_day() ~ ')',
            'day') }} as days_to_first_churn_or_as_of,
        -- first won new-business deal
        first_won_deal.closed_date as first_deal_closed_date,
        first_won_deal.amount as first_deal_amount,
        first_won_deal.days_created_to_close as first_deal_cycle_days,
        first_won_deal.sales_cycle_days as first_deal_sales_cycle_days,
        {{ salespulse.customer_cycle_band('first_won_deal.days_created_to_close') }} as first_deal_cycle_band,
        {{ salespulse.customer_cycle_band_order('first_won_deal.days_created_to_close') }} as first_deal_cycle_band_order

    from first_mrr
    left join first_churn
        on first_mrr.account_id = first_churn.account_id
    left join current_state
        on first_mrr.account_id = current_state.account_id
    left join first_won_deal
        on first_mrr.account_id = first_won_deal.account_id

)

select * from final
