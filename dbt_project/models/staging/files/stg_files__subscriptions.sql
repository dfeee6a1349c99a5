{{ salespulse.stage_canonical_subscriptions('files') }}
