{#
    One row per lead cohort month (month the lead was created, reporting time zone) and
    lead source, plus one 'all' row per month, from the history start to the month
    containing the as-of date: leads, leads converted to an opportunity (deal) by the as-of
    date, leads whose deal was won by the as-of date, and the conversion rates. Leads
    created before the history start are outside the reporting range. Recent cohorts are
    immature (their leads have had less time to convert).
#}

with

leads as (

    select * from {{ ref('int_leads') }}

),

months as (

    select distinct month_start from {{ ref('int_calendar') }}

),

sources as (

    select distinct coalesce(lead_source, 'unknown') as lead_source from leads
    union all
    select 'all' as lead_source

),

spine as (

    select
        months.month_start as cohort_month,
        sources.lead_source

    from months
    cross join sources

),

lead_rows as (

    select
        cohort_month,
        coalesce(lead_source, 'unknown') as lead_source,
        case when is_converted then 1 else 0 end as is_converted,
        case when is_won then 1 else 0 end as is_won

    from leads

),

by_source as (

    select
        cohort_month,
        lead_source,
        count(*) as leads,
        sum(is_converted) as leads_converted,
        sum(is_won) as leads_won

    from lead_rows
    group by cohort_month, lead_source

    union all

    select
        cohort_month,
        'all' as lead_source,
        count(*) as leads,
        sum(is_converted) as leads_converted,
        sum(is_won) as leads_won

    from lead_rows
    group by cohort_month

),

final as (

    select
        -- grain
        spine.cohort_month,
        spine.lead_source,
        -- counts: 0 when the source had no leads that month
        coalesce(by_source.leads, 0) as leads,
        coalesce(by_source.leads_converted, 0) as leads_converted,
        coalesce(by_source.leads_won, 0) as leads_won,
        -- rates
        {{ salespulse.safe_divide('by_source.leads_converted', 'by_source.leads') }} as lead_to_opportunity_rate,
        {{ salespulse.safe_divide('by_source.leads_won', 'by_source.leads') }} as lead_to_won_rate,
        {{ salespulse.safe_divide('by_source.leads_won', 'by_source.leads_converted') }} as opportunity_to_won_rate,
        -- flags
        ({{ salespulse.period_end('month', 'spine.cohort_month') }} <= {{ salespulse.as_of_next_day() }})
            as is_complete_period,
        {{ salespulse.as_of_date() }} as as_of_date

    from spine
    left join by_source
        on spine.cohort_month = by_source.cohort_month
        and spine.lead_source = by_source.lead_source

)

select * from final
