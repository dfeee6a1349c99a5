"""Local HTTP servers that behave like the CRM vendors' APIs, for connector tests."""
