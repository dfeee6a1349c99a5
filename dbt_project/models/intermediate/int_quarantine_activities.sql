{#
    Activities that break a row-level rule, quarantined instead of dropped: one row per raw
    activity and broken rule. Checked rows are those that would otherwise be canonical
    (occurred before the cutoff). int_activities anti-joins these activity_ids out.
#}

{% set raw_columns = [
    'activity_id', 'activity_type', 'owner_id', 'deal_id', 'account_id',
    'duration_minutes', 'occurred_at', 'load_id',
] %}

{% set activity_types = salespulse.activity_types() | map('first') | list %}

with

activities as (

    select * from {{ ref('stg_crm__activities') }}
    where occurred_at < {{ salespulse.as_of_cutoff() }}

),

users as (

    select distinct user_id from {{ ref('stg_crm__users') }}

),

candidates as (

    select
        activities.activity_id,
        activities.activity_type,
        activities.owner_id,
        activities.load_id,
        (users.user_id is not null) as is_known_owner,
        coalesce(activities.activity_type in ('{{ activity_types | join("', '") }}'), false) as is_known_type,
        {{ salespulse.as_text('activities.activity_id') }} as record_key,
        {{ salespulse.row_to_text(raw_columns, 'activities') }} as original_record

    from activities
    left join users
        on activities.owner_id = users.user_id

),

{% set rules = [
    {'rule': 'orphan_owner',
     'condition': 'not candidates.is_known_owner',
     'reason': ["'owner_id '", 'candidates.owner_id', "' is not a known user'"]},
    {'rule': 'unknown_activity_type',
     'condition': 'not candidates.is_known_type',
     'reason': ["'activity_type '", 'candidates.activity_type', "' is not one of " ~ activity_types | join(', ') ~ "'"]},
] %}

quarantined as (
    {{ salespulse.quarantine_selects('candidates', 'activities', ['activity_id'], rules) }}
)

select * from quarantined
