{{ salespulse.stage_canonical_teams('files') }}
