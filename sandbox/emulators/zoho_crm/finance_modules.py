"""The CRM modules Zoho Finance Suite adds under its Zoho Books tab, as the emulator serves them.

Zoho CRM Help, "Setting up the Zoho Finance Suite integration": the Books invoices, estimates,
sales orders and purchase orders become sub-modules of a Zoho Books tab, with a receivables and
payables summary, shown on the account, contact and potential (deal) they belong to. They are
not the CRM's own inventory modules (Invoices, Quotes, Sales_Orders, Purchase_Orders), which the
integration never touches. The emulator serves them as custom modules (API names
``Books_Invoices``, ``Books_Estimates``, ``Books_Sales_Orders``, ``Books_Purchase_Orders``,
``Books_Summaries``) with the fields below, each record keyed by ``Zoho_Books_ID`` (unique);
Deals gain ``Books_Invoiced`` and ``Books_Payments_Received``.

Amounts are in the document's ``Currency``; ``Home_*`` amounts are in the org's home currency,
converted at the document's own Books rate (``Books_Exchange_Rate``: 1 foreign unit = N home
units); ``Exchange_Rate`` is the same rate the CRM's way round (1 home unit = N foreign units).
"""

from __future__ import annotations

from dataclasses import replace

from sandbox.emulators.zoho_crm.modules import FieldSpec, ModuleSpec

DOCUMENT_MODULES = (
    "Books_Invoices",
    "Books_Estimates",
    "Books_Sales_Orders",
    "Books_Purchase_Orders",
)
SUMMARY_MODULE = "Books_Summaries"
DEAL_FIELDS = (
    FieldSpec("Books_Invoiced", "currency"),
    FieldSpec("Books_Payments_Received", "currency"),
)


def _system() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("id", "bigint", read_only=True),
        FieldSpec("Owner", "ownerlookup", lookup_module="users"),
        FieldSpec("Created_Time", "datetime", read_only=True),
        FieldSpec("Modified_Time", "datetime", read_only=True),
        FieldSpec("Created_By", "ownerlookup", read_only=True, lookup_module="users"),
        FieldSpec("Modified_By", "ownerlookup", read_only=True, lookup_module="users"),
        FieldSpec("Name", mandatory=True, length=120),
        FieldSpec("Zoho_Books_ID", unique=True, length=50),
        FieldSpec("Currency", length=3),
        FieldSpec("Exchange_Rate", "double"),
    )


def _document(api_name: str, label: str, party: FieldSpec) -> ModuleSpec:
    return ModuleSpec(
        api_name,
        label,
        (
            *_system(),
            party,
            FieldSpec("Books_Party_ID", length=50),
            FieldSpec("Contact_Name", "lookup", lookup_module="Contacts"),
            FieldSpec("Deal_Name", "lookup", lookup_module="Deals"),
            FieldSpec("Status", length=40),
            FieldSpec("Document_Date", "date"),
            FieldSpec("Due_Date", "date"),
            FieldSpec("Books_Exchange_Rate", "double"),
            FieldSpec("Total", "currency"),
            FieldSpec("Home_Total", "currency"),
            FieldSpec("Balance", "currency"),
            FieldSpec("Home_Balance", "currency"),
            FieldSpec("Payments_Received", "currency"),
            FieldSpec("Home_Payments_Received", "currency"),
            FieldSpec("Books_Modified_Time", "datetime"),
        ),
        duplicate_check=("Zoho_Books_ID",),
    )


ACCOUNT = FieldSpec("Account_Name", "lookup", lookup_module="Accounts")
VENDOR = FieldSpec("Vendor_Name", "lookup", lookup_module="Vendors")

FINANCE_MODULES: tuple[ModuleSpec, ...] = (
    _document("Books_Invoices", "Zoho Books Invoice", ACCOUNT),
    _document("Books_Estimates", "Zoho Books Estimate", ACCOUNT),
    _document("Books_Sales_Orders", "Zoho Books Sales Order", ACCOUNT),
    _document("Books_Purchase_Orders", "Zoho Books Purchase Order", VENDOR),
    ModuleSpec(
        SUMMARY_MODULE,
        "Receivables and Payables",
        (
            *_system(),
            ACCOUNT,
            VENDOR,
            FieldSpec("Receivables", "currency"),
            FieldSpec("Payments_Received", "currency"),
            FieldSpec("Payables", "currency"),
        ),
        duplicate_check=("Zoho_Books_ID",),
    ),
)


def install(modules: dict[str, ModuleSpec]) -> None:
    """Add the finance modules to ``modules`` and the finance fields to its Deals."""
    for spec in FINANCE_MODULES:
        modules.setdefault(spec.api_name, spec)
    deals = modules["Deals"]
    missing = tuple(f for f in DEAL_FIELDS if deals.field(f.api_name) is None)
    if missing:
        modules["Deals"] = replace(deals, fields=(*deals.fields, *missing), by_name={})
