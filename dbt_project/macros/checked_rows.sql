{#
    Data tests on the rows not yet checked (docs/performance.md, "The incremental weekly
    refresh": dbt data tests, on the rows not yet checked).

    A weekly run rewrites a few percent of the largest tables, and a test that passed last
    week has checked every older row. A test configured with

        config:
          where: "not_yet_checked(<column>)"

    reads only the rows written after its own last pass. The column says what wrote a row:
      * dbt_invocation_id (an incremental model's rows): rows written by the dbt
        invocations that started up to the test's last passing invocation were checked;
        rows of any other invocation (later, or not logged) are read;
      * load_id (a staging view's rows): a dlt load id is the Unix time its load started
        ('1795443836.517384'), and loads that started before the test's last passing
        invocation started were complete and checked (one writer at a time); later loads
        are read. Load ids are compared as text with that start written the same way
        (equal to comparing the times while the integer part has ten digits, 2001-2286);
        an id that begins with a letter (a test fixture, a hand-written fix) sorts after
        every time and is always read.
    Row-level tests (not_null, accepted_values, accepted_range, expression_is_true) read
    those rows; `unique_combination` counts the keys of those rows over the whole table.
    Tests that read other rows or tables (relationships, sums) cannot be restricted. A
    test with no pass recorded runs its plain form.

    Why it stays exact: a failing test records no pass, so the next run reads again every
    row written since its last pass; a test with new arguments has a new id, so its first
    run reads every row; a pass counts only under the dbt version that recorded it (dbt's
    own tests may change with it); `--full-refresh` forgets every pass, so after a change
    to a generic test's SQL (which keeps the tests' ids) a full refresh reads every row
    again, as it rebuilds every incremental model. A pass is recorded only by `dbt build`
    or `dbt test` (on-run-end, record_data_test_passes).

    On Spark the incremental models are tables rebuilt whole (incremental_materialization),
    so every row is new on every run: the tests read all rows and nothing is recorded.
#}

{# The column of a `where: "not_yet_checked(<column>)"` config, or none. #}
{% macro not_yet_checked_column(where) -%}
    {%- if where is string -%}
        {%- set match = modules.re.match('^\\s*not_yet_checked\\(\\s*(\\w+)\\s*\\)\\s*$', where) -%}
        {%- if match -%}
            {{ return(match.group(1)) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{% macro data_test_log_relation(name) -%}
    {{ return(api.Relation.create(
        database=target.database, schema='data_test_log', identifier=name
    )) }}
{%- endmacro %}

{# Where the incremental models are rebuilt whole (Spark), every row is new on every run. #}
{% macro checks_only_new_rows() -%}
    {{ return(salespulse.incremental_materialization() == 'incremental') }}
{%- endmacro %}

{#
    The rows of the running test not yet checked, as a condition on `column` (a row
    without a value is always read); none when the test has no pass recorded under this
    dbt version, or on Spark: then the test reads every row, in its plain form (a
    restricted form over every row costs more than the plain one: a key check's semi-join
    of all keys took 25-27 s at L against ~10 s for its group by). `test_id` is the
    test's unique id (config.model.unique_id inside a test). The last pass is looked up
    when the test runs and written into its SQL.
#}
{% macro rows_not_yet_checked(column, test_id) -%}
    {%- if column not in ['dbt_invocation_id', 'load_id'] -%}
        {{ exceptions.raise_compiler_error(
            "not_yet_checked(" ~ column ~ ") in " ~ test_id ~ ": rows are told apart by "
            ~ "dbt_invocation_id (incremental models) or load_id (staging views)"
        ) }}
    {%- endif -%}
    {%- set last_pass = salespulse.last_data_test_pass(test_id) -%}
    {%- if last_pass is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if column == 'dbt_invocation_id' -%}
        {%- set condition -%}
            ({{ column }} is null or {{ column }} not in (
                select invocation_id from {{ salespulse.data_test_log_relation('invocations') }}
                where started_at <= cast('{{ last_pass.started_at }}' as {{ dbt.type_timestamp() }})
            ))
        {%- endset -%}
    {%- else -%}
        {%- set condition -%}
            ({{ column }} is null or {{ column }} > '{{ last_pass.started_at_load_id }}')
        {%- endset -%}
    {%- endif -%}
    {{ return(condition) }}
{%- endmacro %}

{# The start of the test's last passing invocation under this dbt version, or none. #}
{% macro last_data_test_pass(test_id) -%}
    {%- if not execute or not salespulse.checks_only_new_rows() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set passes = salespulse.data_test_log_relation('passes') -%}
    {%- if adapter.get_relation(passes.database, passes.schema, passes.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set found -%}
        select max(started_at), max(started_at_load_id) from {{ passes }}
        where test_id = '{{ test_id }}' and dbt_version = '{{ dbt_version }}'
    {%- endset -%}
    {%- set row = run_query(found).rows[0] -%}
    {%- if row[0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({
        'started_at': row[0].strftime('%Y-%m-%d %H:%M:%S.%f'),
        'started_at_load_id': row[1],
    }) }}
{%- endmacro %}

{#
    dbt applies a test's `where` config here (dbt's own macro, overridden): a
    not_yet_checked(<column>) where becomes the condition above. unique_combination gets
    the whole table and restricts the keys it counts itself.
#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set column = salespulse.not_yet_checked_column(where) -%}
    {%- if column is not none -%}
        {%- set test_name = model.test_metadata.name if model.test_metadata else '' -%}
        {%- if test_name == 'unique_combination' -%}
            {% do return(relation) %}
        {%- elif test_name not in ['not_null', 'accepted_values', 'accepted_range', 'expression_is_true'] -%}
            {{ exceptions.raise_compiler_error(
                model.unique_id ~ ": not_yet_checked() restricts row-level tests and "
                ~ "unique_combination; " ~ test_name ~ " reads other rows, so it must read them all"
            ) }}
        {%- endif -%}
        {%- set where = salespulse.rows_not_yet_checked(column, model.unique_id) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {% do return(filtered) %}
    {%- endif -%}
    {% do return(relation) %}
{%- endmacro %}

{#
    on-run-start: the log tables, and this invocation's start (runs that write rows); a
    full refresh forgets every pass.
#}
{% macro record_dbt_invocation() -%}
    {%- if not execute or not salespulse.checks_only_new_rows()
          or flags.WHICH not in ['build', 'run', 'test'] -%}
        {{ return('') }}
    {%- endif -%}
    {% do adapter.create_schema(salespulse.data_test_log_relation('invocations')) %}
    {% call statement('create_data_test_invocations') -%}
        create table if not exists {{ salespulse.data_test_log_relation('invocations') }} (
            invocation_id {{ dbt.type_string() }},
            command {{ dbt.type_string() }},
            started_at {{ dbt.type_timestamp() }}
        )
    {%- endcall %}
    {% call statement('create_data_test_passes') -%}
        create table if not exists {{ salespulse.data_test_log_relation('passes') }} (
            test_id {{ dbt.type_string() }},
            invocation_id {{ dbt.type_string() }},
            started_at {{ dbt.type_timestamp() }},
            started_at_load_id {{ dbt.type_string() }},
            dbt_version {{ dbt.type_string() }}
        )
    {%- endcall %}
    {%- if flags.FULL_REFRESH %}
    {% call statement('forget_data_test_passes') -%}
        delete from {{ salespulse.data_test_log_relation('passes') }}
    {%- endcall %}
    {%- endif %}
    {% call statement('record_dbt_invocation') -%}
        insert into {{ salespulse.data_test_log_relation('invocations') }}
        values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            cast('{{ salespulse.run_started_at_utc() }}' as {{ dbt.type_timestamp() }})
        )
    {%- endcall %}
    {% do adapter.commit() %}
    {{ return('') }}
{%- endmacro %}

{# on-run-end: the restricted tests that passed in this invocation. #}
{% macro record_data_test_passes(results) -%}
    {%- if not execute or not salespulse.checks_only_new_rows()
          or flags.WHICH not in ['build', 'test'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set passed = [] -%}
    {%- for result in results -%}
        {%- if result.node.resource_type == 'test' and result.status == 'pass'
              and salespulse.not_yet_checked_column(result.node.config.get('where')) is not none -%}
            {%- do passed.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed -%}
        {%- set this_run -%}
            '{{ invocation_id }}',
            cast('{{ salespulse.run_started_at_utc() }}' as {{ dbt.type_timestamp() }}),
            '{{ '%.6f' % run_started_at.timestamp() }}',
            '{{ dbt_version }}'
        {%- endset -%}
        {% call statement('record_data_test_passes') -%}
            insert into {{ salespulse.data_test_log_relation('passes') }}
            values
            {%- for test_id in passed %}
                ('{{ test_id }}', {{ this_run }}){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endcall %}
        {% do adapter.commit() %}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{# dbt's run_started_at (UTC) as a timestamp literal without zone. #}
{% macro run_started_at_utc() -%}
    {{ return(run_started_at.astimezone(modules.pytz.utc).strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{%- endmacro %}
