"""The modules the Zoho CRM emulator serves and their fields, by API name.

Standard fields and their system-defined duplicate-check fields as Zoho CRM documents them
(Kaizen #56 "Upsert Records API": Accounts ``Account_Name``, Contacts ``Email``, Deals
``Deal_Name``, Products ``Product_Name``, Vendors ``Vendor_Name``); mandatory fields as the
default layouts have them (``Last_Name`` on Contacts, ``Deal_Name`` and ``Stage`` on Deals…).
Each module also has ``Zoho_Books_ID``: a custom single-line field with "Do not allow duplicate
values" on, the user-defined unique field an integration upserts on.

Deals' ``Stage`` is the standard sales pipeline's picklist. The inventory modules (Quotes,
Sales Orders, Purchase Orders, Invoices) are not served: ledgerlink never reads or writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal[
    "text", "email", "phone", "website", "textarea", "currency", "double", "boolean",
    "date", "datetime", "picklist", "lookup", "ownerlookup", "bigint",
]  # fmt: skip


@dataclass(frozen=True)
class FieldSpec:
    api_name: str
    data_type: FieldType = "text"
    mandatory: bool = False
    unique: bool = False  # "Do not allow duplicate values"
    read_only: bool = False
    lookup_module: str | None = None
    pick_list: tuple[str, ...] = ()
    length: int = 255


@dataclass(frozen=True)
class ModuleSpec:
    api_name: str
    singular_label: str
    fields: tuple[FieldSpec, ...]
    duplicate_check: tuple[str, ...]  # system-defined duplicate-check fields
    by_name: dict[str, FieldSpec] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.api_name: f for f in self.fields})

    def field(self, name: str) -> FieldSpec | None:
        return self.by_name.get(name)

    @property
    def unique_fields(self) -> tuple[str, ...]:
        return tuple(f.api_name for f in self.fields if f.unique)


def _system() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("id", "bigint", read_only=True),
        FieldSpec("Owner", "ownerlookup", lookup_module="users"),
        FieldSpec("Created_Time", "datetime", read_only=True),
        FieldSpec("Modified_Time", "datetime", read_only=True),
        FieldSpec("Created_By", "ownerlookup", read_only=True, lookup_module="users"),
        FieldSpec("Modified_By", "ownerlookup", read_only=True, lookup_module="users"),
        FieldSpec("Description", "textarea", length=32000),
        FieldSpec("Zoho_Books_ID", unique=True, length=50),
    )


def _address(prefix: str, code: str = "Code") -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{prefix}Street"),
        FieldSpec(f"{prefix}City"),
        FieldSpec(f"{prefix}State"),
        FieldSpec(f"{prefix}{code}"),
        FieldSpec(f"{prefix}Country"),
    )


ACCOUNT_TYPES = (
    "-None-", "Analyst", "Competitor", "Customer", "Distributor", "Integrator", "Investor",
    "Other", "Partner", "Press", "Prospect", "Reseller", "Supplier", "Vendor",
)  # fmt: skip
RATINGS = (
    "-None-", "Acquired", "Active", "Market Failed", "Project Cancelled", "Shut Down",
    "Hot", "Warm", "Cold",
)  # fmt: skip
STAGES = (
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Identify Decision Makers",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
    "Closed-Lost to Competition",
)

MODULES: dict[str, ModuleSpec] = {
    m.api_name: m
    for m in (
        ModuleSpec(
            "Accounts",
            "Account",
            (
                *_system(),
                FieldSpec("Account_Name", mandatory=True),
                FieldSpec("Account_Number"),
                FieldSpec("Phone", "phone", length=30),
                FieldSpec("Fax", "phone", length=30),
                FieldSpec("Website", "website"),
                FieldSpec("Industry", "picklist"),
                FieldSpec("Account_Type", "picklist", pick_list=ACCOUNT_TYPES),
                FieldSpec("Rating", "picklist", pick_list=RATINGS),
                FieldSpec("Annual_Revenue", "currency"),
                *_address("Billing_"),
                *_address("Shipping_"),
            ),
            duplicate_check=("Account_Name",),
        ),
        ModuleSpec(
            "Contacts",
            "Contact",
            (
                *_system(),
                FieldSpec(
                    "Salutation", "picklist", pick_list=("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.")
                ),
                FieldSpec("First_Name", length=40),
                FieldSpec("Last_Name", mandatory=True, length=80),
                FieldSpec("Email", "email", length=100),
                FieldSpec("Phone", "phone", length=30),
                FieldSpec("Mobile", "phone", length=30),
                FieldSpec("Title", length=100),
                FieldSpec("Department", length=100),
                FieldSpec("Account_Name", "lookup", lookup_module="Accounts"),
                FieldSpec("Vendor_Name", "lookup", lookup_module="Vendors"),
                *_address("Mailing_", "Zip"),
            ),
            duplicate_check=("Email",),
        ),
        ModuleSpec(
            "Vendors",
            "Vendor",
            (
                *_system(),
                FieldSpec("Vendor_Name", mandatory=True, length=120),
                FieldSpec("Email", "email", length=100),
                FieldSpec("Phone", "phone", length=30),
                FieldSpec("Website", "website"),
                FieldSpec("Category"),
                FieldSpec("Street"),
                FieldSpec("City"),
                FieldSpec("State"),
                FieldSpec("Zip_Code"),
                FieldSpec("Country"),
            ),
            duplicate_check=("Vendor_Name",),
        ),
        ModuleSpec(
            "Products",
            "Product",
            (
                *_system(),
                FieldSpec("Product_Name", mandatory=True, length=120),
                FieldSpec("Product_Code", length=40),
                FieldSpec("Unit_Price", "currency"),
                FieldSpec("Product_Active", "boolean"),
                FieldSpec("Taxable", "boolean"),
                FieldSpec("Product_Category", "picklist"),
                FieldSpec("Vendor_Name", "lookup", lookup_module="Vendors"),
            ),
            duplicate_check=("Product_Name",),
        ),
        ModuleSpec(
            "Deals",
            "Deal",
            (
                *_system(),
                FieldSpec("Deal_Name", mandatory=True, length=120),
                FieldSpec("Stage", "picklist", mandatory=True, pick_list=STAGES),
                FieldSpec("Amount", "currency"),
                FieldSpec("Closing_Date", "date"),
                FieldSpec("Probability", "double"),
                FieldSpec("Account_Name", "lookup", lookup_module="Accounts"),
                FieldSpec("Contact_Name", "lookup", lookup_module="Contacts"),
            ),
            duplicate_check=("Deal_Name",),
        ),
    )
}
