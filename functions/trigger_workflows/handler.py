"""EventBridge schedule -> each connection's pair queues the workflows CRM changes set off
(an opportunity reaching Closed Won creates its sales transaction)."""

from shared.scheduled_handler import job_handler

JOB = "trigger_workflows"
handler = job_handler(JOB)
