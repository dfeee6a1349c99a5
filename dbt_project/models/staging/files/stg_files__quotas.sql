{{ salespulse.stage_canonical_quotas('files') }}
