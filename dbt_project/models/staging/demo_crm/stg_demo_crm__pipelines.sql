{{ salespulse.stage_canonical_pipelines('demo_crm') }}
