-- Salesforce's core CRM objects hold no subscriptions or recurring revenue (that lives in
-- Salesforce Billing / CPQ or a billing system): a typed empty relation, so MRR, churn and
-- retention marts are empty for this source.
select
    cast(null as {{ dbt.type_string() }}) as subscription_id,
    cast(null as {{ dbt.type_string() }}) as account_id,
    cast(null as {{ dbt.type_string() }}) as plan,
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ salespulse.type_money() }}) as mrr_local,
    cast(null as {{ dbt.type_string() }}) as mrr_non_finite,
    cast(null as date) as start_date,
    cast(null as date) as end_date_exclusive,
    cast(null as {{ dbt.type_string() }}) as load_id
where 1 = 0
