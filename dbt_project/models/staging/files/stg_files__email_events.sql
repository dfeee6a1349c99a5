{{ salespulse.stage_canonical_email_events('files') }}
