{{ salespulse.stage_canonical_deals('files') }}
