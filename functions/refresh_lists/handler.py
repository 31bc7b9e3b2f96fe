"""EventBridge schedule -> each connection's pair refreshes the ERP's managed lists
mirrored in read-only CRM objects."""

from shared.scheduled_handler import job_handler

JOB = "refresh_lists"
handler = job_handler(JOB)
