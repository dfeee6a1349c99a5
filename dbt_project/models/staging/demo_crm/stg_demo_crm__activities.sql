{{ salespulse.stage_canonical_activities('demo_crm') }}
