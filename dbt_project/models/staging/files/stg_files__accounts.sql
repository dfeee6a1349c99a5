{{ salespulse.stage_canonical_accounts('files') }}
