{{ salespulse.stage_canonical_pipelines('files') }}
