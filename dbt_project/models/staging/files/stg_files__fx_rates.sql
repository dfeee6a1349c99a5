{{ salespulse.stage_canonical_fx_rates('files') }}
