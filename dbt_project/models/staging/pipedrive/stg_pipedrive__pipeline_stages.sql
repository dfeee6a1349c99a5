{#
    Pipedrive stages plus two synthetic closed stages per pipeline. Pipedrive's stages are
    all open: won and lost are a deal status, not a stage. The canonical model reads a
    deal's status from the stage it is in, so every pipeline gets '<pipeline_id>-won'
    (probability 100) and '<pipeline_id>-lost' (probability 0) after its last stage;
    stg_pipedrive__deals and stg_pipedrive__deal_stage_history put closed deals there.
#}

with

stages as (

    select * from {{ source('pipedrive', 'stages') }}

),

pipelines as (

    select * from {{ source('pipedrive', 'pipelines') }}

),

open_stages as (

    select
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(id as {{ dbt.type_string() }}) as stage_id,
        cast(name as {{ dbt.type_string() }}) as stage_name,
        cast(order_nr as {{ dbt.type_int() }}) as stage_order,
        cast(deal_probability as {{ dbt.type_int() }}) as stage_probability_pct,
        false as is_closed,
        false as is_won,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id

    from stages

),

last_order as (

    select
        pipelines.id,
        pipelines._dlt_load_id,
        coalesce(max(stages.order_nr), 0) as max_order
    from pipelines
    left join stages
        on pipelines.id = stages.pipeline_id
    group by pipelines.id, pipelines._dlt_load_id

),

closed_stages as (

    {% for status, offset, probability in [('won', 1, 100), ('lost', 2, 0)] %}
    select
        cast(id as {{ dbt.type_string() }}) as pipeline_id,
        {{ dbt.concat(["cast(id as " ~ dbt.type_string() ~ ")", "'-" ~ status ~ "'"]) }} as stage_id,
        cast('{{ status | title }}' as {{ dbt.type_string() }}) as stage_name,
        cast(max_order + {{ offset }} as {{ dbt.type_int() }}) as stage_order,
        cast({{ probability }} as {{ dbt.type_int() }}) as stage_probability_pct,
        true as is_closed,
        {{ 'true' if status == 'won' else 'false' }} as is_won,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as load_id
    from last_order
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from open_stages
union all
select * from closed_stages
