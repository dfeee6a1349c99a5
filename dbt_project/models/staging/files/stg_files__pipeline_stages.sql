{{ salespulse.stage_canonical_pipeline_stages('files') }}
