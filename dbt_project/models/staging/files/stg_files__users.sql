{{ salespulse.stage_canonical_users('files') }}
