{#
    Activity counts per owner and day for every extracted activity, whatever the as-of
    date: what the per-rep activity KPIs add up, stored so that a weekly run recounts only
    the days whose activities changed. Counted from int_activities_loaded; nothing here
    depends on the as-of date or the quarantine (int_activity_days, a view, applies them).
    The emails' outcomes are counted whenever they happened; the view takes back those
    after its cutoff.

    One row per UTC date the activities occurred on (`occurred_on`), owner, local date, and
    the int_activities_loaded run that computed those activities (`source_invocation_id`).
    That run is in the grain so that a change shows in the counts: a recomputed activity
    carries the id of the run that recomputed it, and a deleted one lowers the count of its
    own run's piece. Incremental by UTC date (macros/incremental.sql,
    `delete_changed_activity_days`): the pre-hook deletes every day whose counts per run
    differ from int_activities_loaded's, or all days when the reporting time zone changed;
    the model then counts the days it does not hold. Materialized as a table on Spark.
#}

{{ config(
    materialized=salespulse.incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ salespulse.delete_changed_activity_days() }}",
) }}

with

activities as (

    select *
    from {{ ref('int_activities_loaded') }}
    where occurred_at is not null
    {% if is_incremental() %}
      -- the days the pre-hook left are unchanged
      and cast(occurred_at as date) not in (select occurred_on from {{ this }})
    {% endif %}

),

final as (

    select
        cast(occurred_at as date) as occurred_on,
        owner_id,
        {{ salespulse.local_date('occurred_at') }} as activity_date,
        dbt_invocation_id as source_invocation_id,
        count(*) as extracted_activities,
        {{ salespulse.activity_type_counts() }},
        sum(case when activity_type = 'email' and first_delivered_at is not null then 1 else 0 end)
            as emails_delivered,
        sum(case when activity_type = 'email' and first_opened_at is not null then 1 else 0 end)
            as emails_opened,
        '{{ var("reporting_timezone", "UTC") }}' as reporting_timezone,
        '{{ invocation_id }}' as dbt_invocation_id

    from activities
    group by
        cast(occurred_at as date),
        owner_id,
        {{ salespulse.local_date('occurred_at') }},
        dbt_invocation_id

)

select * from final
