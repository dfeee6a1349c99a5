-- Salesforce's core CRM objects hold no customer-satisfaction surveys (Salesforce Feedback
-- Management is a separate product): a typed empty relation, so CSAT marts are empty for
-- this source.
select
    cast(null as {{ dbt.type_string() }}) as survey_id,
    cast(null as {{ dbt.type_string() }}) as account_id,
    cast(null as {{ dbt.type_string() }}) as deal_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    cast(null as {{ dbt.type_int() }}) as score,
    cast(null as {{ dbt.type_timestamp() }}) as responded_at,
    cast(null as {{ dbt.type_string() }}) as load_id
where 1 = 0
