"""The projects queue -> ERP projects from won CRM opportunities and contracts."""

from shared.workflows.handler import workflow_handler

WORKFLOW = "projects"
handler = workflow_handler(WORKFLOW)
