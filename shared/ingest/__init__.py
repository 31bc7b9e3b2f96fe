"""The two doors of the API: change notifications (webhooks) and CRM buttons (actions)."""
