{{ salespulse.stage_canonical_csat_surveys('files') }}
