{{ salespulse.stage_canonical_contacts('files') }}
