{{ salespulse.stage_canonical_deal_stage_history('files') }}
