{{ salespulse.stage_canonical_sales_marketing_spend('demo_crm') }}
