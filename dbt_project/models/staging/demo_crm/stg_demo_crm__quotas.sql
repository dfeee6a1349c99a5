{{ salespulse.stage_canonical_quotas('demo_crm') }}
