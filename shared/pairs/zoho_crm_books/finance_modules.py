"""The Books modules Zoho Finance Suite shows in the CRM, and the switch of each.

``modules: {invoices, estimates, salesorders, purchaseorders: true|false}`` on the connection
(all on by default) chooses which Books modules are mirrored into their CRM modules under the
Zoho Books tab (Zoho CRM Help, "Setting up the Zoho Finance Suite integration": "Invoices,
Estimates, Sales Orders and Purchase Orders are created as sub-modules under the Zoho Books
tab"; deactivating one module loses only that module's data). The receivables / payables
summary (``Books_Summaries``) follows invoices (receivables, payments received) and purchase
orders (payables).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

SUMMARY_MODULE = "Books_Summaries"
DEAL_INVOICED = "Books_Invoiced"
DEAL_PAID = "Books_Payments_Received"


class FinanceSwitches(BaseModel):
    """Which Books modules are mirrored into the CRM."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    invoices: bool = True
    estimates: bool = True
    salesorders: bool = True
    purchaseorders: bool = True

    def on(self) -> tuple[str, ...]:
        return tuple(name for name in FINANCE if getattr(self, name))


@dataclass(frozen=True)
class FinanceModule:
    switch: str  # the switch and the Books path: invoices, estimates, salesorders, purchaseorders
    crm_module: str  # its CRM module
    id_field: str  # Books' id of one document
    number_field: str
    later_date: str  # due / expiry / shipment / delivery date
    party_field: str  # customer_id / vendor_id
    party_module: str  # the CRM module the party is: Accounts / Vendors
    crm_party: str  # the CRM lookup to it
    has_balance: bool = False  # invoices owe a balance

    @property
    def receivable(self) -> bool:
        return self.party_module == "Accounts"


FINANCE: dict[str, FinanceModule] = {
    m.switch: m
    for m in (
        FinanceModule(
            "invoices", "Books_Invoices", "invoice_id", "invoice_number", "due_date",
            "customer_id", "Accounts", "Account_Name", has_balance=True,
        ),
        FinanceModule(
            "estimates", "Books_Estimates", "estimate_id", "estimate_number", "expiry_date",
            "customer_id", "Accounts", "Account_Name",
        ),
        FinanceModule(
            "salesorders", "Books_Sales_Orders", "salesorder_id", "salesorder_number",
            "shipment_date", "customer_id", "Accounts", "Account_Name",
        ),
        FinanceModule(
            "purchaseorders", "Books_Purchase_Orders", "purchaseorder_id",
            "purchaseorder_number", "delivery_date", "vendor_id", "Vendors", "Vendor_Name",
        ),
    )
}  # fmt: skip
# Documents that no longer count towards receivables or payables.
CLOSED = frozenset({"draft", "void", "cancelled", "declined", "billed", "closed"})
