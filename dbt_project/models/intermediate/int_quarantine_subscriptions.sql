{#
    Subscriptions that break a row-level rule, quarantined instead of dropped: one row per
    raw subscription and broken rule. Checked rows are those that would otherwise be
    canonical (started by the as-of date). int_subscriptions anti-joins these out.
#}

{% set raw_columns = [
    'subscription_id', 'account_id', 'plan', 'currency_code', 'mrr_local',
    'start_date', 'end_date_exclusive', 'load_id',
] %}

with

subscriptions as (

    select * from {{ ref('stg_crm__subscriptions') }}
    where start_date <= {{ salespulse.as_of_date() }}

),

candidates as (

    select
        subscriptions.subscription_id,
        subscriptions.mrr_local,
        subscriptions.mrr_non_finite,
        subscriptions.start_date,
        subscriptions.end_date_exclusive,
        subscriptions.load_id,
        {{ salespulse.as_text('subscriptions.subscription_id') }} as record_key,
        {{ salespulse.row_to_text(raw_columns, 'subscriptions') }} as original_record

    from subscriptions

),

{% set rules = [
    {'rule': 'negative_mrr',
     'condition': 'candidates.mrr_local < 0',
     'reason': ["'mrr '", 'candidates.mrr_local', "' is negative'"]},
    {'rule': 'non_finite_mrr',
     'condition': 'candidates.mrr_non_finite is not null',
     'reason': ["'mrr '", 'candidates.mrr_non_finite', "' is NaN, infinite or beyond 10^16'"]},
    {'rule': 'ends_before_start',
     'condition': 'candidates.end_date_exclusive < candidates.start_date',
     'reason': ["'end_date '", 'candidates.end_date_exclusive', "' is before start_date '", 'candidates.start_date']},
] %}

quarantined as (
    {{ salespulse.quarantine_selects('candidates', 'subscriptions', ['subscription_id'], rules) }}
)

select * from quarantined
