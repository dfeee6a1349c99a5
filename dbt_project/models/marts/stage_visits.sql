{#
    One row per visit of a live deal to a pipeline stage, as of the as-of date, with the
    time spent there. Open visits are measured to the end of the as-of date and flagged.
#}

with

visits as (

    select * from {{ ref('int_stage_visits') }}

),

deals as (

    select deal_id, owner_id, deal_status from {{ ref('int_deals') }}

),

final as (

    select
        visits.*,
        deals.owner_id,
        deals.deal_status,
        {{ salespulse.as_of_date() }} as as_of_date

    from visits
    inner join deals
        on visits.deal_id = deals.deal_id

)

select * from final
