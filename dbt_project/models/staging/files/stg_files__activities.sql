{{ salespulse.stage_canonical_activities('files') }}
