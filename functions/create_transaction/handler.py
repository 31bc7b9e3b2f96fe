"""The transactions queue -> ERP sales transactions from won CRM opportunities."""

from shared.workflows.handler import workflow_handler

WORKFLOW = "transactions"
handler = workflow_handler(WORKFLOW)
