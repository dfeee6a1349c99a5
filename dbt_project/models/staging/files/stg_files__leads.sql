{{ salespulse.stage_canonical_leads('files') }}
