"""The deal_documents queue -> ERP estimates, sales orders and invoices of CRM deals (deal
triggers and the deal buttons)."""

from shared.workflows.handler import workflow_handler

WORKFLOW = "deal_documents"
handler = workflow_handler(WORKFLOW)
