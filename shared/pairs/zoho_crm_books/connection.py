"""A Zoho CRM <-> Zoho Books connection: the common connection plus this pair's options."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from shared.connectors.zoho_crm.views import Criteria
from shared.models.connection import Connection
from shared.pairs.zoho_crm_books import options
from shared.pairs.zoho_crm_books.deal_settings import DealStages, DealTrigger
from shared.pairs.zoho_crm_books.finance_modules import FinanceSwitches


class ZohoCrmBooksConnection(Connection):
    # Books has no push: its customers, vendors and items are polled by last_modified_time.
    erp_polled_objects: tuple[str, ...] = ("customers", "contact_persons", "vendors", "items")
    # The CRM's notifications say what changed; the poll is the safety net under them.
    crm_polled_objects: tuple[str, ...] = ("Accounts", "Contacts", "Vendors", "Products")
    # What a deal's stage sets off in Books (deal_settings.py): none, estimates, invoices
    deal_trigger: DealTrigger = DealTrigger.NONE
    deal_stages: DealStages = DealStages()
    # Which Books modules show in the CRM's finance modules (README "Zoho finance in the CRM").
    modules: FinanceSwitches = Field(default_factory=FinanceSwitches)
    # Sync settings per module (shared/pairs/zoho_crm_books/options.py)
    customer_module: options.CustomerModule = "Accounts"
    list_views: dict[str, Criteria] = Field(default_factory=dict)
    on_conflict: dict[str, options.OnConflict] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _options(cls, data: Any) -> Any:
        from shared.pairs.zoho_crm_books.mappings import MAPPINGS

        defaults = {name: f.default for name, f in cls.model_fields.items()}
        return options.with_options(
            data, defaults, {m.name: m.erp_object for m in MAPPINGS.values()}
        )
