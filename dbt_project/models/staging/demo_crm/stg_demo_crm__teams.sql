{{ salespulse.stage_canonical_teams('demo_crm') }}
