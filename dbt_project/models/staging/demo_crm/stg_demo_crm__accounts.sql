{{ salespulse.stage_canonical_accounts('demo_crm') }}
