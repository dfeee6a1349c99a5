{{ salespulse.stage_canonical_contacts('demo_crm') }}
