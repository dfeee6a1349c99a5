{{ salespulse.stage_canonical_email_events('demo_crm') }}
