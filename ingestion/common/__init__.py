"""Pieces every CRM connector shares: the rate-limited, retrying HTTP session."""
