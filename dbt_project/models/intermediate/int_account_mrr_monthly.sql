{#
    One row per account and month start (from the history start to the month containing
    the as-of date) with the account's MRR on that day, plus one closing point per account
    on the day after the as-of date, so the current month's churn is measured to the as-of
    date and never beyond it. Only accounts that ever had MRR appear.
#}

with

subscriptions as (

    select * from {{ ref('int_subscriptions') }}

),

points as (

    select distinct month_start as measured_on from {{ ref('int_calendar') }}
    union all
    select {{ salespulse.as_of_next_day() }} as measured_on

),

accounts as (

    select distinct account_id from subscriptions

),

account_points as (

    select accounts.account_id, points.measured_on
    from accounts
    cross join points

),

final as (

    select
        account_points.account_id,
        account_points.measured_on,
        coalesce(sum(subscriptions.mrr), 0) as mrr

    from account_points
    left join subscriptions
        on account_points.account_id = subscriptions.account_id
        and subscriptions.start_date <= account_points.measured_on
        and (subscriptions.end_date_exclusive is null
             or subscriptions.end_date_exclusive > account_points.measured_on)
    group by account_points.account_id, account_points.measured_on

)

select * from final
