{{ salespulse.stage_canonical_csat_surveys('demo_crm') }}
