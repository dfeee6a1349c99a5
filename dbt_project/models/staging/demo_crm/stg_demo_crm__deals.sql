{{ salespulse.stage_canonical_deals('demo_crm') }}
