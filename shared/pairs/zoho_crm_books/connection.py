"""A Zoho CRM <-> Zoho Books connection: the common connection plus this pair's options."""

from __future__ import annotations

from pydantic import Field

from shared.models.connection import Connection
from shared.pairs.zoho_crm_books.deal_settings import DealStages, DealTrigger
from shared.pairs.zoho_crm_books.finance_modules import FinanceSwitches


class ZohoCrmBooksConnection(Connection):
    # Books has no push: its customers, vendors and items are polled by last_modified_time.
    erp_polled_objects: tuple[str, ...] = ("customers", "vendors", "items")
    # The CRM's notifications say what changed; the poll is the safety net under them.
    crm_polled_objects: tuple[str, ...] = ("Accounts", "Vendors", "Products")
    # What a deal's stage sets off in Books (deal_settings.py): none, estimates, invoices
    deal_trigger: DealTrigger = DealTrigger.NONE
    deal_stages: DealStages = DealStages()
    # Which Books modules show in the CRM's finance modules (README "Zoho finance in the CRM").
    modules: FinanceSwitches = Field(default_factory=FinanceSwitches)
