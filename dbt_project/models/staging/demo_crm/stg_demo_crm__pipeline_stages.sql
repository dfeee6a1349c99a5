{{ salespulse.stage_canonical_pipeline_stages('demo_crm') }}
