"""EventBridge schedule -> each connection's pair mirrors ERP data (contracts, lines, invoices)
into read-only CRM objects."""

from shared.scheduled_handler import job_handler

JOB = "mirror_to_crm"
handler = job_handler(JOB)
