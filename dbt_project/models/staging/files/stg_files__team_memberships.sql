{{ salespulse.stage_canonical_team_memberships('files') }}
