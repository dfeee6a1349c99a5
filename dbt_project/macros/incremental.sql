{#
    Incremental models (docs/performance.md, "The incremental weekly refresh").

    An incremental model here recomputes only what can differ from its stored rows and
    must give exactly the rows of a full rebuild as of the same date. Two ways to find
    what changed, each exact whatever the source does (merged loads, replaced loads,
    late-arriving rows, deletions, a backfill), with no state outside the table;
    `dbt build --full-refresh` rebuilds from scratch.

    * By fingerprint (int_pipeline_week_states, and the mart pipeline_snapshots_weekly,
      whose rows also carry the rate they used), for rows that depend on the as-of date:
      each stored row carries a hash of everything its value depends on (e.g. all stage
      spells of its deal); the run compares the stored hashes with the current ones,
      deletes the rows whose inputs changed (and rows after the as-of date, for a rerun as
      of an earlier date), then appends the recomputed rows.
    * By load (int_activities_loaded, below), for a table with one row per raw row and
      nothing that depends on the as-of date: a raw row written by a load that no stored
      row carries is new or changed (keys_of_unknown_loads). Finding those is a filter on a
      few load ids, where a fingerprint would join every raw row with every stored row (at
      1M deals, 2-3 s of joins on text keys to save a 4 s rewrite). What depends on the as-of date is then
      applied by a view over the table (int_activities).
    * By load, per deal (int_stage_entries), for rows that depend on other raw rows of the
      same deal (a stage entry's visit number and next entry): a deal with a raw row of an
      unknown load is recomputed whole. Rows that leave the extract without a new load (a
      hard delete) are found by counts: the stored rows record how many raw rows they were
      computed from, and the unchanged deals' counts must still match the source's, or the
      run recomputes every deal.
    * By day and computing run (int_activity_days_loaded), for counts over the rows of an
      incremental table: each stored count is split by the run that computed its rows
      (their dbt_invocation_id), so a day whose counts per run no longer match the table's
      has a recomputed, new, moved or deleted row, and is recounted whole.
#}

{#
    Incremental by load: the `key` of every row of `relation` written by a load that
    `known_loads` (a relation with a `load_id` column: the loads the stored rows were
    computed from) does not hold, so new or changed since the stored rows. Rows without a
    key cannot be tracked and are left out.
#}
{% macro keys_of_unknown_loads(relation, key, known_loads) -%}
    select loaded.{{ key }}
    from {{ relation }} as loaded
    left join {{ known_loads }} as known
        on loaded.load_id = known.load_id
    where known.load_id is null
      and loaded.{{ key }} is not null
{%- endmacro %}

{#
    The materialization of an incremental model on this adapter: incremental where the
    engine can DELETE with a subquery (DuckDB, Snowflake, BigQuery, Trino on Iceberg/Delta,
    Postgres); on Spark (the project's session runs Parquet tables, which have neither
    DELETE nor MERGE) the model is a table, rebuilt on every run, with the same rows.
#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'salespulse')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#
    The text values of a group concatenated in a deterministic order (for fingerprints).
    dbt.listagg's order_by_clause is ignored on Spark (collect_list order is arbitrary),
    so Spark sorts an array of (order key, value) structs instead.
#}
{% macro ordered_text_agg(expr, order_expr, delimiter="'~'") -%}
    {{ return(adapter.dispatch('ordered_text_agg', 'salespulse')(expr, order_expr, delimiter)) }}
{%- endmacro %}

{% macro default__ordered_text_agg(expr, order_expr, delimiter) -%}
    {#- nulls first: the default of BigQuery, spelled out for the others -#}
    {{ dbt.listagg(expr, delimiter, 'order by ' ~ order_expr ~ ' nulls first') }}
{%- endmacro %}

{% macro spark__ordered_text_agg(expr, order_expr, delimiter) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('k', {{ order_expr }}, 'v', {{ expr }}))),
            x -> x.v
        ),
        {{ delimiter }}
    )
{%- endmacro %}

{# A hash of the listed columns of one row (nulls spelled 'null'), as text. #}
{% macro row_fingerprint(columns, relation=none) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- set qualified = (relation ~ '.' ~ column) if relation else column -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(salespulse.as_text(qualified)) -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#
    The spell columns a weekly pipeline state is computed from: a deal's fingerprint hashes
    them over all its spells, so any change to a spell (a new or late-arriving stage entry,
    an exit, a renamed stage, another probability, a changed reporting time zone) changes it.
#}
{% macro week_state_spell_columns() -%}
    {{ return([
        'visit_number', 'pipeline_id', 'stage_id', 'stage_name', 'stage_order',
        'entry_of_stage', 'spell_status', 'stage_probability', 'valid_from_date',
        'valid_to_date',
    ]) }}
{%- endmacro %}

{#
    One row per deal with stage spells in `spells` (default: every live deal's, from
    int_pipeline_stage_spells): deal_id and the hash of all its spells.
#}
{% macro deal_spell_fingerprints(spells=none) -%}
    select
        deal_id,
        {{ salespulse.group_fingerprint(salespulse.week_state_spell_columns(), 'visit_number') }} as spells_hash
    from {{ spells if spells else ref('int_pipeline_stage_spells') }}
    group by deal_id
{%- endmacro %}

{#
    An aggregate: the fingerprint (text) of a group's rows, over `columns`; `order_expr`
    orders the rows where the fingerprint depends on order and must be unique in the group
    (one expression: Spark sorts by it as a struct field; row_fingerprint joins several).
    Any change to any of those values in any row, or a row more or less, changes it.

    Default: the md5 of the rows' text concatenated in order (portable, through dbt's
    cross-database macros). DuckDB: the XOR of each row's 64-bit hash of the columns
    (order-free, so no sort and no string building: at 10M deals a full build of
    int_pipeline_week_states took 27 s against 87 s with md5 of the concatenation,
    docs/performance.md). The rows of a group are distinct (order_expr is unique), so no
    two rows cancel out; a collision needs two 64-bit hashes to agree. A new DuckDB version
    may hash differently: the stored fingerprints then differ once and those rows are
    recomputed, which is slower, never wrong.
#}
{% macro group_fingerprint(columns, order_expr) -%}
    {{ return(adapter.dispatch('group_fingerprint', 'salespulse')(columns, order_expr)) }}
{%- endmacro %}

{% macro default__group_fingerprint(columns, order_expr) -%}
    {{ dbt.hash(salespulse.ordered_text_agg(salespulse.row_fingerprint(columns), order_expr)) }}
{%- endmacro %}

{% macro duckdb__group_fingerprint(columns, order_expr) -%}
    cast(bit_xor(hash({{ columns | join(', ') }})) as {{ dbt.type_string() }})
{%- endmacro %}

{#
    The delete of a pre-hook of a model with one row per week and deal that keeps its rows
    by fingerprint (int_pipeline_week_states, pipeline_snapshots_weekly): the weeks that end
    after the as-of date (a rerun as of an earlier date), every deal whose stored
    `fingerprint_column` is not its current one in `current_fingerprints` (a query of
    deal_id and that column; a deal absent from it is no longer live), and the weeks
    `stale_weeks` returns, if given. The model then appends the rows of deals without
    stored rows and of weeks not stored yet.
#}
{% macro delete_stale_deal_weeks(fingerprint_column, current_fingerprints, stale_weeks=none) -%}
    delete from {{ this }}
    where week_end > {{ salespulse.as_of_date() }}
       or deal_id in (
            select stored.deal_id
            from (select distinct deal_id, {{ fingerprint_column }} from {{ this }}) as stored
            left join ({{ current_fingerprints }}) as current_deals
                on stored.deal_id = current_deals.deal_id
                and stored.{{ fingerprint_column }} = current_deals.{{ fingerprint_column }}
            where current_deals.deal_id is null
       )
    {%- if stale_weeks %}
       or week_end in ({{ stale_weeks }})
    {%- endif %}
{%- endmacro %}

{#
    Pre-hook of int_pipeline_week_states on an incremental run: the fingerprint is the hash
    of all the deal's spells (new, changed or late-arriving stage history; deleted or
    quarantined deals, whose spells are gone).
#}
{% macro delete_stale_week_states() -%}
    {%- if is_incremental() -%}
    {{ salespulse.delete_stale_deal_weeks('spells_hash', salespulse.deal_spell_fingerprints()) }}
    {%- endif -%}
{%- endmacro %}

{#
    A hash of one row's values (expressions), as text: any change to any of them, a null
    included, changes it. Default: the md5 of their text (row_fingerprint); DuckDB: its
    64-bit hash of the values, without building the text.
#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'salespulse')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    {{ dbt.hash(salespulse.row_fingerprint(columns)) }}
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    cast(hash({{ columns | join(', ') }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#
    The fingerprint of everything a weekly snapshot row of a deal depends on besides its
    week's rate: the hash of the deal's stage spells (`spells_hash`, from
    int_pipeline_week_states) and its latest values (`deals`: int_deals' columns). Any
    change to either changes it; every row of the deal has the same one.
#}
{% macro snapshot_deal_fingerprint(spells_hash, deals) -%}
    {{ salespulse.row_hash([
        spells_hash, deals ~ '.owner_id', deals ~ '.segment', deals ~ '.currency_code',
        deals ~ '.amount_local', deals ~ '.expected_close_date', deals ~ '.created_date',
    ]) }}
{%- endmacro %}

{#
    Pre-hook of pipeline_snapshots_weekly on an incremental run: the fingerprint is
    snapshot_deal_fingerprint (the deal's spells and latest values), and a week is stale
    when a stored rate of it is no longer the rate of its Sunday (a corrected or late rate;
    a row without a rate is recomputed on every run).
#}
{% macro delete_stale_snapshots() -%}
    {%- if is_incremental() -%}
    {%- set current_fingerprints -%}
        select states.deal_id, {{ salespulse.snapshot_deal_fingerprint('states.spells_hash', 'deals') }} as deal_fingerprint
        from (
            select distinct deal_id, spells_hash
            from {{ ref('int_pipeline_week_states') }}
            where spell_status = 'open'
        ) as states
        inner join {{ ref('int_deals') }} as deals
            on states.deal_id = deals.deal_id
    {%- endset -%}
    {%- set stale_weeks -%}
        select stored.week_end
        from (select distinct week_end, currency_code, fx_rate from {{ this }}) as stored
        left join {{ ref('int_fx_rates_daily') }} as rates
            on stored.week_end = rates.rate_date
            and stored.currency_code = rates.currency_code
            and stored.fx_rate = rates.to_reporting_factor
        where rates.rate_date is null
    {%- endset -%}
    {{ salespulse.delete_stale_deal_weeks('deal_fingerprint', current_fingerprints, stale_weeks) }}
    {%- endif -%}
{%- endmacro %}

{#
    Post-hook of a mart that keeps rows between runs: every row carries the run's as-of
    date, as every mart's do (an update of one column; the appended rows have it already).
#}
{% macro stamp_as_of_date() -%}
    {%- if is_incremental() -%}
    update {{ this }}
    set as_of_date = {{ salespulse.as_of_date() }}
    where as_of_date <> {{ salespulse.as_of_date() }}
    {%- endif -%}
{%- endmacro %}

{#
    Incremental by load (int_activities_loaded). A table that holds one row per raw row,
    with nothing that depends on the as-of date, can find what changed from dlt's load ids
    instead of a fingerprint: dlt writes every new or changed row with the id of the load
    that wrote it, so a raw row whose load id no stored row carries is new or changed. The
    model appends the rows it recomputes (stamped with the dbt invocation id); these two
    post-hooks then make the table equal a full rebuild: the first deletes the versions
    the new rows replace, the second the rows whose key left the source. Both are a count
    and nothing more when there is nothing to delete (a first run, a full refresh, Spark).

    int_stage_entries replaces a deal's rows whole (key deal_id) and recomputes its rows
    without a deal on every run: `null_keys_recomputed` deletes the older of those too.
#}
{% macro delete_replaced_versions(key, null_keys_recomputed=false) -%}
    {%- if execute -%}
    {%- set counts = run_query(
        "select count(*), sum(case when dbt_invocation_id = '" ~ invocation_id ~ "' then 1 else 0 end) from " ~ this
    ).rows[0] -%}
    {%- set stored_rows, new_rows = counts[0], counts[1] or 0 -%}
    {%- if 0 < new_rows < stored_rows -%}
    delete from {{ this }}
    where dbt_invocation_id <> '{{ invocation_id }}'
      and (
        {% if null_keys_recomputed %}{{ key }} is null or {% endif -%}
        {{ key }} in (select {{ key }} from {{ this }} where dbt_invocation_id = '{{ invocation_id }}')
      )
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#
    After delete_replaced_versions the table holds one row per source row with a key: a
    source row whose load id the table knew was in the source at the previous run, so it
    is stored, and every other source row was recomputed by this run. So the table holds
    more rows than the source only when keys left the source (a smaller full extract
    replaced it): those rows are deleted. Fewer rows would mean rows were lost, which the
    above rules out; the run then fails instead of publishing a short table.

    A table whose rows each stand for several source rows (int_stage_entries: one per
    distinct entry, `copies` raw rows each) passes what it counts (`stored_rows`, e.g.
    `sum(copies)`) and which source rows those are (`source_filter`). A count and nothing
    more when there is nothing to delete.
#}
{% macro delete_rows_gone_from(key, source, stored_rows='count(*)', source_filter=none) -%}
    {%- if execute -%}
    {%- set counted = source_filter if source_filter is not none else key ~ ' is not null' -%}
    {%- set stored = run_query("select coalesce(" ~ stored_rows ~ ", 0) from " ~ this).rows[0][0] -%}
    {%- set in_source = run_query("select count(*) from " ~ source ~ " where " ~ counted).rows[0][0] -%}
    {%- if stored > in_source -%}
    delete from {{ this }}
    where {{ key }} not in (select {{ key }} from {{ source }} where {{ key }} is not null)
    {%- elif stored < in_source -%}
    {{ exceptions.raise_compiler_error(
        this ~ " was computed from " ~ stored ~ " rows but " ~ source ~ " has " ~ in_source
        ~ ": rebuild it with dbt build --full-refresh --select " ~ this.identifier
    ) }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#
    Pre-hook of int_activity_days_loaded on an incremental run: delete the stored counts of
    every UTC day whose activities changed, and of every day when the reporting time zone
    changed (the local dates move). A day changed when its count of int_activities_loaded
    rows per computing run differs from the stored one: a recomputed, new or moved activity
    carries the id of the run that recomputed it (a count where the day had none), and a
    deleted or moved-away one lowers its own run's count. The model then counts the days it
    does not hold. A scan of the activities' date and run columns, and a delete of a few
    days.
#}
{% macro delete_changed_activity_days() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where reporting_timezone <> '{{ var("reporting_timezone", "UTC") }}'
       or occurred_on in (
            select coalesce(current_counts.occurred_on, stored_counts.occurred_on)
            from (
                select cast(occurred_at as date) as occurred_on, dbt_invocation_id, count(*) as activities
                from {{ ref('int_activities_loaded') }}
                where occurred_at is not null
                group by cast(occurred_at as date), dbt_invocation_id
            ) as current_counts
            full outer join (
                select occurred_on, source_invocation_id, sum(extracted_activities) as activities
                from {{ this }}
                group by occurred_on, source_invocation_id
            ) as stored_counts
                on current_counts.occurred_on = stored_counts.occurred_on
                and current_counts.dbt_invocation_id = stored_counts.source_invocation_id
            where current_counts.activities is null
               or stored_counts.activities is null
               or current_counts.activities <> stored_counts.activities
       )
    {%- endif -%}
{%- endmacro %}
