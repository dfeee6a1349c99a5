-- Salesforce's core CRM objects hold no sales and marketing spend (finance data): a typed
-- empty relation, so unit-economics figures that need spend are null for this source.
select
    cast(null as date) as spend_month,
    cast(null as {{ dbt.type_string() }}) as department,
    cast(null as {{ salespulse.type_money() }}) as amount_local,
    cast(null as {{ dbt.type_string() }}) as currency_code,
    cast(null as {{ dbt.type_string() }}) as load_id
where 1 = 0
