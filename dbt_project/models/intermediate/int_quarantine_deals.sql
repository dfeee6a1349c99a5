{#
    Deals that break a row-level rule, quarantined instead of dropped: one row per raw deal
    record and broken rule. Checked rows are those that would otherwise be canonical (the
    latest version of a live deal created by the cutoff) and every row without a deal_id.
    int_deals anti-joins these deal_ids out; reconciliation counts them as quarantined.
#}

{% set raw_columns = [
    'deal_id', 'pipeline_id', 'account_id', 'owner_id', 'lead_id', 'current_stage_id',
    'deal_name', 'product', 'currency_code', 'amount_local', 'probability_pct',
    'is_closed', 'is_won', 'is_deleted', 'created_at', 'closed_at', 'updated_at',
] %}

with

deal_versions as (

    select
        deals.*,
        row_number() over (
            partition by deal_id order by updated_at desc, load_id desc
        ) as version_rank
    from {{ ref('stg_crm__deals') }} as deals

),

currencies as (

    select distinct currency_code from {{ ref('int_fx_rates') }}

),

users as (

    select distinct user_id from {{ ref('stg_crm__users') }}

),

candidates as (

    select
        deal_versions.deal_id,
        deal_versions.amount_local,
        deal_versions.amount_non_finite,
        deal_versions.currency_code,
        deal_versions.owner_id,
        deal_versions.created_at,
        deal_versions.closed_at,
        deal_versions.updated_at,
        deal_versions.load_id,
        (currencies.currency_code is not null) as is_known_currency,
        (users.user_id is not null) as is_known_owner,
        {{ salespulse.as_text('deal_versions.deal_id') }} as record_key,
        {{ salespulse.row_to_text(raw_columns, 'deal_versions') }} as original_record

    from deal_versions
    left join currencies
        on deal_versions.currency_code = currencies.currency_code
    left join users
        on deal_versions.owner_id = users.user_id
    where deal_versions.deal_id is null
       or (
            deal_versions.version_rank = 1
            and not coalesce(deal_versions.is_deleted, false)
            and deal_versions.created_at < {{ salespulse.as_of_cutoff() }}
       )

),

{% set rules = [
    {'rule': 'deal_id_null',
     'condition': 'candidates.deal_id is null',
     'reason': ["'deal_id is null'"]},
    {'rule': 'negative_amount',
     'condition': 'candidates.amount_local < 0',
     'reason': ["'amount '", 'candidates.amount_local', "' is negative'"]},
    {'rule': 'non_finite_amount',
     'condition': 'candidates.amount_non_finite is not null',
     'reason': ["'amount '", 'candidates.amount_non_finite', "' is NaN, infinite or beyond 10^16'"]},
    {'rule': 'unknown_currency',
     'condition': 'not candidates.is_known_currency',
     'reason': ["'currency '", 'candidates.currency_code', "' has no fx_rates rows'"]},
    {'rule': 'closed_before_created',
     'condition': 'candidates.closed_at < candidates.created_at',
     'reason': ["'closed_at '", 'candidates.closed_at', "' is before created_at '", 'candidates.created_at']},
    {'rule': 'closed_after_last_update',
     'condition': 'candidates.closed_at > candidates.updated_at',
     'reason': ["'closed_at '", 'candidates.closed_at', "' is after the last update at '", 'candidates.updated_at']},
    {'rule': 'orphan_owner',
     'condition': 'not candidates.is_known_owner',
     'reason': ["'owner_id '", 'candidates.owner_id', "' is not a known user'"]},
] %}

quarantined as (
    {{ salespulse.quarantine_selects('candidates', 'deals', ['deal_id'], rules) }}
)

select * from quarantined
