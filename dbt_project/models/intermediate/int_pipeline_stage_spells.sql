{#
    One row per stage spell of a live deal: the days, in the reporting time zone, on whose
    end the deal stood in that stage. A spell starts on the local date the stage was entered
    and ends (exclusive) on the local date of the next entry; an entry left on the same day
    it was made was never the state at the end of a day and is dropped. So the deal's state
    at the end of day D is the one spell with valid_from_date <= D < valid_to_date (null:
    still current at the as-of date). Snapshots, weekly movement and past forecasts read
    the pipeline as it stood at a date from here. Deleted deals are excluded.
#}

with

visits as (

    select * from {{ ref('int_stage_visits') }}

),

live_deals as (

    select deal_id from {{ ref('int_deals') }}

),

-- no canonical model holds the stage catalogue with its default probabilities
stages as (

    select stage_id, stage_probability_pct from {{ ref('stg_crm__pipeline_stages') }}

),

dated as (

    select
        visits.deal_id,
        visits.pipeline_id,
        visits.stage_id,
        visits.stage_name,
        visits.stage_order,
        visits.visit_number,
        visits.entry_of_stage,
        visits.is_closed_stage,
        visits.is_won_stage,
        {{ salespulse.pct_to_fraction("stages.stage_probability_pct") }} as stage_probability,
        visits.entered_at,
        visits.exited_at,
        {{ salespulse.local_date('visits.entered_at') }} as valid_from_date,
        {{ salespulse.local_date('visits.exited_at') }} as valid_to_date

    from visits
    inner join live_deals
        on visits.deal_id = live_deals.deal_id
    left join stages
        on visits.stage_id = stages.stage_id

),

final as (

    select
        -- ids
        deal_id,
        pipeline_id,
        stage_id,
        -- attributes
        stage_name,
        stage_order,
        visit_number,
        entry_of_stage,
        case
            when is_won_stage then 'won'
            when is_closed_stage then 'lost'
            else 'open'
        end as spell_status,
        is_closed_stage,
        is_won_stage,
        stage_probability,
        -- timestamps and dates
        entered_at,
        exited_at,
        valid_from_date,
        valid_to_date

    from dated
    where valid_to_date is null or valid_to_date > valid_from_date

)

select * from final
