"""Business workflows: ERP documents from CRM deals and contracts, and the ERP's view back."""
