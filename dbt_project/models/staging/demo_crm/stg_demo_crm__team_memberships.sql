{{ salespulse.stage_canonical_team_memberships('demo_crm') }}
