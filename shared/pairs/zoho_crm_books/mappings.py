"""Zoho CRM <-> Zoho Books default mappings, module by module as Zoho Finance Suite syncs them
(Zoho CRM Help, "Setting up the Zoho Finance Suite integration": Accounts -> contacts of
Zoho Books, Vendors <-> vendors, Products -> items, each with its field map).

Each side's records carry the other's id: the CRM's ``Zoho_Books_ID`` (a unique custom field,
upserted on) and Books' ``cf_zoho_crm_id`` (a unique custom field, upserted on with
``X-Unique-Identifier-Key``), so a create whose answer was lost is found again, and a CRM
record that already names its Books record is linked to it, never copied.
"""

from __future__ import annotations

from shared.mapping.fields import Direction, FieldMap, Identity, ObjectMapping
from shared.pairs.zoho_crm_books.contacts import CONTACT_CUSTOMER, CONTACT_PERSON

B, C2E = Direction.BOTH, Direction.CRM_TO_ERP
CRM_KEY = "Zoho_Books_ID"
BOOKS_KEY = "custom_fields.cf_zoho_crm_id"
BILL = "billing_address"


def _address(street: str, city: str, state: str, code: str, country: str) -> tuple[FieldMap, ...]:
    return (
        FieldMap(crm=street, erp=f"{BILL}.address"),
        FieldMap(crm=city, erp=f"{BILL}.city"),
        FieldMap(crm=state, erp=f"{BILL}.state"),
        FieldMap(crm=code, erp=f"{BILL}.zip"),
        FieldMap(crm=country, erp=f"{BILL}.country"),
    )


ACCOUNT_CUSTOMER = ObjectMapping(
    name="account_customer",
    crm_object="Accounts",
    erp_object="customers",
    crm_key_field=CRM_KEY,
    erp_key_field="contact_id",
    erp_identity=Identity.assigned(BOOKS_KEY),
    crm_identity=Identity.assigned(CRM_KEY),
    fields=(
        FieldMap(crm="Account_Name", erp="contact_name", direction=B, required=True),
        FieldMap(crm="Account_Name", erp="company_name", direction=C2E),
        FieldMap(crm="Phone", erp="phone"),
        FieldMap(crm="Website", erp="website"),
        *_address(
            "Billing_Street", "Billing_City", "Billing_State", "Billing_Code", "Billing_Country"
        ),
    ),
)

VENDOR_VENDOR = ObjectMapping(
    name="vendor_vendor",
    crm_object="Vendors",
    erp_object="vendors",
    crm_key_field=CRM_KEY,
    erp_key_field="contact_id",
    erp_identity=Identity.assigned(BOOKS_KEY),
    crm_identity=Identity.assigned(CRM_KEY),
    fields=(
        FieldMap(crm="Vendor_Name", erp="contact_name", direction=B, required=True),
        FieldMap(crm="Vendor_Name", erp="company_name", direction=C2E),
        FieldMap(crm="Email", erp="email"),
        FieldMap(crm="Phone", erp="phone"),
        FieldMap(crm="Website", erp="website"),
        *_address("Street", "City", "State", "Zip_Code", "Country"),
    ),
)

PRODUCT_ITEM = ObjectMapping(
    name="product_item",
    crm_object="Products",
    erp_object="items",
    crm_key_field=CRM_KEY,
    erp_key_field="item_id",
    erp_identity=Identity.assigned(BOOKS_KEY),
    crm_identity=Identity.assigned(CRM_KEY),
    fields=(
        FieldMap(crm="Product_Name", erp="name", direction=B, required=True),
        FieldMap(crm="Unit_Price", erp="rate", required=True, to_erp="decimal", to_crm="decimal"),
        FieldMap(crm="Product_Code", erp="sku"),
        FieldMap(crm="Description", erp="description"),
    ),
)

MAPPINGS: dict[str, ObjectMapping] = {
    m.name: m for m in (ACCOUNT_CUSTOMER, VENDOR_VENDOR, PRODUCT_ITEM)
}
MAPPINGS.update({m.name: m for m in (CONTACT_PERSON, CONTACT_CUSTOMER)})
