{#
    The canonical deal: one row per live (not deleted) deal created by the cutoff, in its
    state as of the cutoff. Deals that break a row-level rule are quarantined
    (int_quarantine_deals) and left out. The raw extract may hold stale duplicate versions of a deal;
    the latest by updated_at wins (its attributes: amount, owner, account). The deal's
    stage, status and close time as of the cutoff come from its stage history, so an old
    as-of date reproduces what the CRM showed then. Amounts convert into the reporting
    currency at the rate of the close date (open deals: the as-of date).
#}

with

deal_versions as (

    select * from {{ ref('stg_crm__deals') }}

),

latest_version as (

    select *
    from (
        select
            deal_versions.*,
            row_number() over (
                partition by deal_id order by updated_at desc, load_id desc
            ) as version_rank
        from deal_versions
    ) as ranked
    where version_rank = 1

),

quarantined as (

    select distinct deal_id from {{ ref('int_quarantine_deals') }}
    where deal_id is not null

),

live_deals as (

    -- quarantined deals (int_quarantine_deals: a row-level rule broken) are left out
    select latest_version.*
    from latest_version
    left join quarantined
        on latest_version.deal_id = quarantined.deal_id
    where not coalesce(latest_version.is_deleted, false)
      and latest_version.created_at < {{ salespulse.as_of_cutoff() }}
      and latest_version.deal_id is not null
      and quarantined.deal_id is null

),

-- the deal's last visit by the cutoff: the one visit without an exit, since every other
-- visit exits at its deal's next valid entry (int_stage_visits), so a filter finds it
-- where a window would sort every visit (the key test on deal_id would see a second one)
last_visit as (

    select deal_id, stage_id, entered_at
    from {{ ref('int_stage_visits') }}
    where exited_at is null

),

stages as (

    select * from {{ ref('stg_crm__pipeline_stages') }}

),

leads as (

    select lead_id, created_at as lead_created_at
    from {{ ref('stg_crm__leads') }}

),

accounts as (

    select account_id, segment, industry, country
    from {{ ref('stg_crm__accounts') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of_state as (

    select
        live_deals.*,
        -- history decides; a deal without history by the cutoff keeps the extract's
        -- stage only if the extract itself is not newer than the cutoff
        coalesce(
            last_visit.stage_id,
            case when live_deals.updated_at < {{ salespulse.as_of_cutoff() }} then live_deals.current_stage_id end
        ) as stage_id_as_of,
        last_visit.entered_at as stage_entered_at,
        (last_visit.deal_id is not null) as has_stage_history

    from live_deals
    left join last_visit
        on live_deals.deal_id = last_visit.deal_id

),

with_status as (

    select
        as_of_state.*,
        stages.stage_name as stage_name_as_of,
        stages.stage_order as stage_order_as_of,
        stages.stage_probability_pct as stage_probability_pct_as_of,
        case
            when stages.is_won then 'won'
            when stages.is_closed then 'lost'
            else 'open'
        end as deal_status,
        case
            when stages.is_closed and as_of_state.has_stage_history then as_of_state.stage_entered_at
            when stages.is_closed then as_of_state.closed_at
        end as closed_at_as_of

    from as_of_state
    left join stages
        on as_of_state.stage_id_as_of = stages.stage_id

),

enriched as (

    select
        with_status.*,
        {{ salespulse.local_date('with_status.created_at') }} as created_date,
        {{ salespulse.local_date('with_status.closed_at_as_of') }} as closed_date,
        case
            when leads.lead_created_at < with_status.created_at then leads.lead_created_at
            else with_status.created_at
        end as first_contact_at,
        accounts.segment,
        accounts.industry,
        accounts.country

    from with_status
    left join leads
        on with_status.lead_id = leads.lead_id
    left join accounts
        on with_status.account_id = accounts.account_id

),

final as (

    select
        -- ids
        enriched.deal_id,
        enriched.pipeline_id,
        enriched.account_id,
        enriched.owner_id,
        enriched.lead_id,
        enriched.stage_id_as_of as stage_id,
        -- attributes
        enriched.deal_name,
        enriched.product,
        enriched.segment,
        enriched.industry,
        enriched.country,
        enriched.stage_name_as_of as stage_name,
        enriched.stage_order_as_of as stage_order,
        enriched.deal_status,
        enriched.forecast_category,
        case when enriched.deal_status = 'lost' then enriched.loss_reason end as loss_reason,
        case when enriched.deal_status = 'lost' then enriched.competitor end as competitor,
        enriched.has_stage_history,
        -- money
        enriched.currency_code,
        enriched.amount_local,
        coalesce(enriched.closed_date, {{ salespulse.as_of_date() }}) as fx_date,
        {{ salespulse.convert_money('enriched.amount_local', 'fx.to_reporting_factor') }} as amount,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        -- probabilities, always on a 0-1 scale
        {{ salespulse.pct_to_fraction("enriched.stage_probability_pct_as_of") }} as stage_probability,
        {{ salespulse.pct_to_fraction("enriched.probability_pct") }} as crm_probability,
        -- dates and timestamps
        enriched.first_contact_at,
        enriched.created_at,
        enriched.created_date,
        enriched.expected_close_date,
        enriched.closed_at_as_of as closed_at,
        enriched.closed_date,
        enriched.updated_at,
        -- durations, from the earlier to the later timestamp
        case
            when enriched.closed_at_as_of is not null
            then {{ dbt.datediff('enriched.first_contact_at', 'enriched.closed_at_as_of', 'second') }}
        end as sales_cycle_seconds,
        case
            when enriched.closed_at_as_of is not null
            then {{ salespulse.days_between('enriched.first_contact_at', 'enriched.closed_at_as_of') }}
        end as sales_cycle_days,
        case
            when enriched.closed_at_as_of is not null
            then {{ salespulse.days_between('enriched.created_at', 'enriched.closed_at_as_of') }}
        end as days_created_to_close

    from enriched
    left join fx
        on enriched.currency_code = fx.currency_code
        and coalesce(enriched.closed_date, {{ salespulse.as_of_date() }}) = fx.rate_date

)

select * from final
