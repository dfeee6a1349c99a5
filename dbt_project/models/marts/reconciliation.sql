{#
    Where every raw row went: one row per raw table (deals, deal stage history, activities,
    leads, subscriptions) and dlt load, counting the raw rows and each reason a row is not
    in the canonical layer (a stale duplicate version, deleted in the CRM, after the as-of
    cutoff, quarantined for breaking a row-level rule), the canonical rows, and what is left unexplained, which a test holds at zero.
    Deal amounts reconcile too: local amounts of the latest live, unquarantined versions
    equal the canonical deals' local amounts.
#}

with

raw_deals as (

    select
        deal_id,
        load_id,
        amount_local,
        created_at,
        is_deleted,
        row_number() over (partition by deal_id order by updated_at desc, load_id desc) as version_rank
    from {{ ref('stg_crm__deals') }}

),

quarantined_deals as (

    select distinct deal_id from {{ ref('int_quarantine_deals') }}
    where deal_id is not null

),

classified_deals as (

    select
        raw_deals.*,
        case
            when raw_deals.deal_id is null then 'quarantined'
            when raw_deals.version_rank > 1 then 'stale'
            when coalesce(raw_deals.is_deleted, false) then 'deleted'
            when raw_deals.created_at >= {{ salespulse.as_of_cutoff() }} then 'after_as_of'
            when quarantined_deals.deal_id is not null then 'quarantined'
            else 'candidate'
        end as disposition
    from raw_deals
    left join quarantined_deals
        on raw_deals.deal_id = quarantined_deals.deal_id

),

canonical_deals as (

    select deal_id, amount_local from {{ ref('int_deals') }}

),

deals as (

    select
        'deals' as raw_table,
        raw_deals.load_id,
        count(*) as raw_rows,
        sum(case when raw_deals.disposition = 'stale' then 1 else 0 end) as stale_versions,
        sum(case when raw_deals.disposition = 'deleted' then 1 else 0 end) as deleted,
        sum(case when raw_deals.disposition = 'after_as_of' then 1 else 0 end) as after_as_of,
        sum(case when raw_deals.disposition = 'quarantined' then 1 else 0 end) as quarantined,
        count(canonical_deals.deal_id) as canonical_rows,
        sum(case when raw_deals.disposition = 'candidate' then raw_deals.amount_local end) as raw_amount_local,
        sum(canonical_deals.amount_local) as canonical_amount_local

    from classified_deals as raw_deals
    left join canonical_deals
        on raw_deals.deal_id = canonical_deals.deal_id
        and raw_deals.version_rank = 1
    group by raw_deals.load_id

),

-- Counts per load: a canonical or quarantined row carries the load of the raw row it came
-- from, so each side is counted on its own and the sides meet per load (a few rows), not
-- per raw row: no join of the raw rows with the canonical ones.

-- Stage history: a raw entry (deal, stage, entered_at) counts once, in the load of its
-- first copy; its other copies are stale versions. int_stage_entries holds every extracted
-- entry once with that load and its number of raw copies, which its data test
-- (sum_equals_row_count) holds equal to the raw rows: an entry it lost fails there, so
-- counting the first copies from it needs no pass over the raw entries here.
history_raw as (

    select load_id, count(*) as raw_rows
    from {{ ref('stg_crm__deal_stage_history') }}
    group by load_id

),

history_first_copies as (

    select
        load_id,
        count(*) as first_copies,
        sum(case when entered_at >= {{ salespulse.as_of_cutoff() }} then 1 else 0 end) as after_as_of
    from {{ ref('int_stage_entries') }}
    group by load_id

),

history_quarantined as (

    -- one row per entry and broken rule: each entry counts once
    select load_id, count(*) as quarantined
    from (
        select distinct deal_id, stage_id, entered_at, load_id
        from {{ ref('int_quarantine_stage_history') }}
    ) as entries
    group by load_id

),

history_canonical as (

    select load_id, count(*) as canonical_rows
    from {{ ref('int_stage_visits') }}
    group by load_id

),

stage_history as (

    select
        'deal_stage_history' as raw_table,
        raw.load_id,
        raw.raw_rows,
        raw.raw_rows - coalesce(first_copies.first_copies, 0) as stale_versions,
        cast(0 as {{ dbt.type_bigint() }}) as deleted,
        coalesce(first_copies.after_as_of, 0) as after_as_of,
        coalesce(quarantined.quarantined, 0) as quarantined,
        coalesce(canonical.canonical_rows, 0) as canonical_rows,
        cast(null as {{ salespulse.type_money() }}) as raw_amount_local,
        cast(null as {{ salespulse.type_money() }}) as canonical_amount_local

    from history_raw as raw
    left join history_first_copies as first_copies
        on raw.load_id = first_copies.load_id
    left join history_quarantined as quarantined
        on raw.load_id = quarantined.load_id
    left join history_canonical as canonical
        on raw.load_id = canonical.load_id

),

-- Activities and leads: one raw row per record (their staging keys are unique), counted in
-- its own load, as are the canonical and quarantined rows that came from it.
{% set simple_tables = [
    ('activities', 'stg_crm__activities', 'activity_id', 'occurred_at', 'int_activities', 'int_quarantine_activities'),
    ('leads', 'stg_crm__leads', 'lead_id', 'created_at', 'int_leads', none),
] %}

{% for name, staging, key, ts, canonical, quarantine in simple_tables %}
{{ name }}_raw as (

    select
        load_id,
        count(*) as raw_rows,
        sum(case when {{ ts }} >= {{ salespulse.as_of_cutoff() }} then 1 else 0 end) as after_as_of
    from {{ ref(staging) }}
    group by load_id

),

{{ name }}_canonical as (

    select load_id, count(*) as canonical_rows
    from {{ ref(canonical) }}
    group by load_id

),

{% if quarantine -%}
{{ name }}_quarantined as (

    -- one row per record and broken rule (records before the cutoff): each counts once
    select load_id, count(distinct {{ key }}) as quarantined
    from {{ ref(quarantine) }}
    group by load_id

),
{%- endif %}

{{ name }} as (

    select
        '{{ name }}' as raw_table,
        raw.load_id,
        raw.raw_rows,
        cast(0 as {{ dbt.type_bigint() }}) as stale_versions,
        cast(0 as {{ dbt.type_bigint() }}) as deleted,
        raw.after_as_of,
        {% if quarantine -%}
        coalesce(quarantined.quarantined, 0) as quarantined,
        {%- else -%}
        cast(0 as {{ dbt.type_bigint() }}) as quarantined,
        {%- endif %}
        coalesce(canonical.canonical_rows, 0) as canonical_rows,
        cast(null as {{ salespulse.type_money() }}) as raw_amount_local,
        cast(null as {{ salespulse.type_money() }}) as canonical_amount_local

    from {{ name }}_raw as raw
    left join {{ name }}_canonical as canonical
        on raw.load_id = canonical.load_id
    {% if quarantine -%}
    left join {{ name }}_quarantined as quarantined
        on raw.load_id = quarantined.load_id
    {%- endif %}

),
{% endfor %}

subscriptions as (

    select
        'subscriptions' as raw_table,
        raw.load_id,
        count(*) as raw_rows,
        cast(0 as {{ dbt.type_bigint() }}) as stale_versions,
        cast(0 as {{ dbt.type_bigint() }}) as deleted,
        sum(case when raw.start_date > {{ salespulse.as_of_date() }} then 1 else 0 end) as after_as_of,
        count(quarantined.subscription_id) as quarantined,
        count(canonical.subscription_id) as canonical_rows,
        sum(case when raw.start_date <= {{ salespulse.as_of_date() }} and quarantined.subscription_id is null
                 then raw.mrr_local end) as raw_amount_local,
        sum(canonical.mrr_local) as canonical_amount_local

    from {{ ref('stg_crm__subscriptions') }} as raw
    left join {{ ref('int_subscriptions') }} as canonical
        on raw.subscription_id = canonical.subscription_id
    left join (select distinct subscription_id from {{ ref('int_quarantine_subscriptions') }}) as quarantined
        on raw.subscription_id = quarantined.subscription_id
        and raw.start_date <= {{ salespulse.as_of_date() }}
    group by raw.load_id

),

unioned as (

    select * from deals
    union all select * from stage_history
    union all select * from activities
    union all select * from leads
    union all select * from subscriptions

),

final as (

    select
        raw_table,
        load_id,
        raw_rows,
        stale_versions,
        deleted,
        after_as_of,
        quarantined,
        canonical_rows,
        raw_rows - stale_versions - deleted - after_as_of - quarantined - canonical_rows as unexplained_rows,
        raw_amount_local,
        canonical_amount_local,
        {{ salespulse.as_of_date() }} as as_of_date

    from unioned

)

select * from final
