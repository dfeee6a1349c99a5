"""SalesPulse ingestion: dlt sources that land CRM data in the warehouse's raw schemas."""
