{{ salespulse.stage_canonical_subscriptions('demo_crm') }}
