"""Intacct items <-> Salesforce products (Product2), as Advanced CRM Integration pairs them:
per-field direction as for accounts. Intacct's required item fields (ITEMID, NAME,
ITEMTYPE) always flow from Intacct or are set by ledgerlink; a connection's mapping may
turn the others around.

A product created in Salesforce becomes an item whose ITEMID is its ProductCode (the
``item_id`` compute; a code Intacct cannot take as an ID falls back to the product's
Salesforce Id), and an item created in Intacct becomes a product whose ProductCode is its
ITEMID. The key Intacct holds shows on the product as ``Intacct_Item_ID__c``; contracts and
sales transactions find a product's item through the link, that field, or the code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shared.mapping.computes import Compute, register_computes
from shared.mapping.fields import Direction, FieldMap, Identity, ObjectMapping
from shared.mapping.transforms import text

B, C2E, E2C = Direction.BOTH, Direction.CRM_TO_ERP, Direction.ERP_TO_CRM
# Intacct ITEMID: up to 30 characters, no '#', ':' or leading/trailing spaces (the items
# page: "Item ID ... unique"); a code outside that is not used as the ID.
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./ ]{0,29}$")
# What a product becomes in Intacct when nothing says otherwise: sold, not stocked.
DEFAULT_ITEM_TYPE = "Non-Inventory (Sales only)"


def item_id(fields: Mapping[str, Any]) -> str:
    """The Intacct ITEMID for a Salesforce product: its ProductCode when Intacct can take it,
    else its 18-character Salesforce Id (stable, unique)."""
    code = text(fields.get("ProductCode"))
    if code and _ITEM_ID.match(code) and code == code.strip():
        return code
    return str(fields["Id"])


COMPUTES: dict[str, Compute] = {
    "item_id": Compute(("ProductCode", "Id"), item_id),
    "item_type": Compute((), lambda _fields: DEFAULT_ITEM_TYPE),
    "product_code_of_item": Compute(("ITEMID",), lambda fields: text(fields.get("ITEMID"))),
}
register_computes(COMPUTES)

PRODUCT_ITEM = ObjectMapping(
    name="product_item",
    crm_object="Product2",
    erp_object="ITEM",
    crm_key_field="Intacct_Item_ID__c",
    erp_key_field="ITEMID",
    # A code made on both sides before they were linked pairs the two, never a second copy.
    erp_identity=Identity.chosen("ITEMID", "item_id", adopt_field="ITEMID"),
    crm_identity=Identity.assigned("Intacct_Item_ID__c", adopt_field="ProductCode"),
    fields=(
        FieldMap(crm="Intacct_Item_ID__c", erp="ITEMID", direction=E2C, required=True),
        FieldMap(crm="Name", erp="NAME", direction=B, required=True),
        FieldMap(
            erp="ITEMTYPE",
            direction=C2E,
            required=True,
            on_create_only=True,
            compute_for_erp="item_type",
        ),
        FieldMap(
            crm="ProductCode",
            direction=E2C,
            on_create_only=True,
            compute_for_crm="product_code_of_item",
        ),
        FieldMap(crm="Description", erp="EXTENDED_DESCRIPTION"),
        FieldMap(
            crm="IsActive", erp="STATUS", to_erp="active_to_status", to_crm="status_to_active"
        ),
    ),
)

MAPPINGS: tuple[ObjectMapping, ...] = (PRODUCT_ITEM,)
