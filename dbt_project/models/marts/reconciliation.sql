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

quarantined_history as (

    select distinct deal_id, stage_id, entered_at from {{ ref('int_quarantine_stage_history') }}

),

history as (

    select
        raw.deal_id,
        raw.stage_id,
        raw.entered_at,
        raw.load_id,
        row_number() over (partition by raw.deal_id, raw.stage_id, raw.entered_at order by raw.load_id) as copy_rank
    from {{ ref('stg_crm__deal_stage_history') }} as raw

),

stage_history as (

    select
        'deal_stage_history' as raw_table,
        history.load_id,
        count(*) as raw_rows,
        sum(case when history.copy_rank > 1 then 1 else 0 end) as stale_versions,
        cast(0 as {{ dbt.type_bigint() }}) as deleted,
        sum(case when history.copy_rank = 1 and history.entered_at >= {{ salespulse.as_of_cutoff() }} then 1 else 0 end)
            as after_as_of,
        count(quarantined_history.deal_id) as quarantined,
        count(visits.deal_id) as canonical_rows,
        cast(null as {{ salespulse.type_money() }}) as raw_amount_local,
        cast(null as {{ salespulse.type_money() }}) as canonical_amount_local

    from history
    left join {{ ref('int_stage_visits') }} as visits
        on history.copy_rank = 1
        and history.deal_id = visits.deal_id
        and history.stage_id = visits.stage_id
        and history.entered_at = visits.entered_at
    left join quarantined_history
        on history.copy_rank = 1
        and history.deal_id = quarantined_history.deal_id
        and history.stage_id = quarantined_history.stage_id
        and history.entered_at = quarantined_history.entered_at
    group by history.load_id

),

{% set simple_tables = [
    ('activities', 'stg_crm__activities', 'activity_id', 'occurred_at', 'int_activities', 'int_quarantine_activities'),
    ('leads', 'stg_crm__leads', 'lead_id', 'created_at', 'int_leads', none),
] %}

{% for name, staging, key, ts, canonical, quarantine in simple_tables %}
{{ name }} as (

    select
        '{{ name }}' as raw_table,
        raw.load_id,
        count(*) as raw_rows,
        cast(0 as {{ dbt.type_bigint() }}) as stale_versions,
        cast(0 as {{ dbt.type_bigint() }}) as deleted,
        sum(case when raw.{{ ts }} >= {{ salespulse.as_of_cutoff() }} then 1 else 0 end) as after_as_of,
        {% if quarantine -%}
        count(quarantined.{{ key }}) as quarantined,
        {%- else -%}
        cast(0 as {{ dbt.type_bigint() }}) as quarantined,
        {%- endif %}
        count(canonical.{{ key }}) as canonical_rows,
        cast(null as {{ salespulse.type_money() }}) as raw_amount_local,
        cast(null as {{ salespulse.type_money() }}) as canonical_amount_local

    from {{ ref(staging) }} as raw
    left join {{ ref(canonical) }} as canonical
        on raw.{{ key }} = canonical.{{ key }}
    {% if quarantine -%}
    left join (select distinct {{ key }} from {{ ref(quarantine) }}) as quarantined
        on raw.{{ key }} = quarantined.{{ key }}
        and raw.{{ ts }} < {{ salespulse.as_of_cutoff() }}
    {%- endif %}
    group by raw.load_id

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
