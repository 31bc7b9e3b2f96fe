"""The contracts queue -> ERP contracts from activated CRM contracts (the pair's workflow)."""

from shared.workflows.handler import workflow_handler

WORKFLOW = "contracts"
handler = workflow_handler(WORKFLOW)
