{{ salespulse.stage_canonical_fx_rates('demo_crm') }}
