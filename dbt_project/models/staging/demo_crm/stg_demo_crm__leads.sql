{{ salespulse.stage_canonical_leads('demo_crm') }}
