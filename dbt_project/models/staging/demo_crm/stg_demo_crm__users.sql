{{ salespulse.stage_canonical_users('demo_crm') }}
