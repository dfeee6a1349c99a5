{#
    One row per lead created before the as-of cutoff, in its state on the as-of date: a lead
    converts when its deal was created; the deal's outcome is the canonical deal's as of the
    same date (so a lead counts as won only once its deal was won).
#}

with

leads as (

    select * from {{ ref('stg_crm__leads') }}
    where created_at < {{ salespulse.as_of_cutoff() }}

),

deals as (

    select deal_id, deal_status, amount from {{ ref('int_deals') }}

),

final as (

    select
        leads.lead_id,
        leads.lead_source,
        leads.owner_id,
        leads.account_id,
        leads.created_at,
        {{ salespulse.local_date('leads.created_at') }} as created_date,
        {{ salespulse.period_start('month', salespulse.local_date('leads.created_at')) }} as cohort_month,
        case when leads.converted_at < {{ salespulse.as_of_cutoff() }} then leads.converted_at end
            as converted_at,
        case when leads.converted_at < {{ salespulse.as_of_cutoff() }} then leads.converted_deal_id end
            as converted_deal_id,
        coalesce(leads.converted_at < {{ salespulse.as_of_cutoff() }}, false) as is_converted,
        coalesce(deals.deal_status = 'won', false) as is_won,
        -- lineage: the dlt load of the lead's raw row
        leads.load_id

    from leads
    left join deals
        on leads.converted_deal_id = deals.deal_id
        and leads.converted_at < {{ salespulse.as_of_cutoff() }}

)

select * from final
