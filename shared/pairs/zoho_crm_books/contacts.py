"""CRM Contacts in Books: as the contact persons of their account's customer, or (by the
connection's choice of customer module) as Books customers themselves.

Zoho Finance Suite syncs the CRM's customer module (Accounts or Contacts) with Books contacts
of type customer, and, with Accounts, each account's Contacts with the contact persons of its
Books customer, both ways (Zoho CRM Help, "Setting up the Zoho Finance Suite integration").

``contact_person``: a CRM contact <-> a person of the Books customer its account is linked to.
The Books side is the connector's ``contact_persons`` object, keyed
``<contact_id>/<contact_person_id>``; the CRM contact's ``Zoho_Books_ID`` shows that key. The
person's contact is the account's Books id, read through the contact's lookup
(``Account_Name.Zoho_Books_ID``, :mod:`shared.connectors.zoho_crm.lookups`); a person made in
Books finds its CRM account the same way. Only contacts with an account sync (the mapping's
own view); a contact whose account has not reached Books yet waits for it. A person's contact
is set when it is made and not moved after.

``contact_customer``: a CRM contact <-> a Books customer (an individual), when the connection
chooses Contacts as the customer module (then Accounts do not sync, nor contact persons).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.connectors.zoho_books.contact_persons import MATCH_FIELD
from shared.connectors.zoho_crm.views import Criteria, path_of
from shared.mapping.computes import Compute
from shared.mapping.fields import Direction, FieldMap, Identity, ObjectMapping

B, C2E = Direction.BOTH, Direction.CRM_TO_ERP
CRM_KEY = "Zoho_Books_ID"
BOOKS_KEY = "custom_fields.cf_zoho_crm_id"
BILL = "billing_address"


def _display_name(record: Mapping[str, Any]) -> str:
    """A person's Books display name: first and last names, as the CRM shows them."""
    names = (str(record.get(f) or "").strip() for f in ("First_Name", "Last_Name"))
    return " ".join(n for n in names if n)


COMPUTES: dict[str, Compute] = {
    "zoho_contact_display_name": Compute(("First_Name", "Last_Name"), _display_name),
}

# Contacts without an account have no Books customer to belong to.
HAS_ACCOUNT = Criteria.model_validate(
    {"comparator": "equal", "field": {"api_name": "Account_Name.id"}, "value": "${NOTEMPTY}"}
)

CONTACT_PERSON = ObjectMapping(
    name="contact_person",
    crm_object="Contacts",
    erp_object="contact_persons",
    crm_key_field=CRM_KEY,
    erp_key_field="contact_person_id",
    erp_identity=Identity.assigned(MATCH_FIELD),
    crm_identity=Identity.assigned(CRM_KEY),
    crm_filter={path_of(HAS_ACCOUNT): "true"},
    fields=(
        FieldMap(
            crm="Account_Name.Zoho_Books_ID",
            erp="contact_id",
            direction=B,
            required=True,
            on_create_only=True,
        ),
        FieldMap(crm="Last_Name", erp="last_name", direction=B, required=True),
        FieldMap(crm="First_Name", erp="first_name"),
        FieldMap(crm="Salutation", erp="salutation"),
        FieldMap(crm="Email", erp="email"),
        FieldMap(crm="Phone", erp="phone"),
        FieldMap(crm="Mobile", erp="mobile"),
        FieldMap(crm="Title", erp="designation"),
        FieldMap(crm="Department", erp="department"),
    ),
)

CONTACT_CUSTOMER = ObjectMapping(
    name="contact_customer",
    crm_object="Contacts",
    erp_object="customers",
    crm_key_field=CRM_KEY,
    erp_key_field="contact_id",
    erp_identity=Identity.assigned(BOOKS_KEY),
    crm_identity=Identity.assigned(CRM_KEY),
    fields=(
        FieldMap(
            erp="contact_name",
            direction=C2E,
            required=True,
            compute_for_erp="zoho_contact_display_name",
        ),
        FieldMap(crm="Last_Name", erp="last_name", direction=B, required=True),
        FieldMap(crm="First_Name", erp="first_name"),
        FieldMap(crm="Email", erp="email"),
        FieldMap(crm="Phone", erp="phone"),
        FieldMap(crm="Mobile", erp="mobile"),
        FieldMap(crm="Mailing_Street", erp=f"{BILL}.address"),
        FieldMap(crm="Mailing_City", erp=f"{BILL}.city"),
        FieldMap(crm="Mailing_State", erp=f"{BILL}.state"),
        FieldMap(crm="Mailing_Zip", erp=f"{BILL}.zip"),
        FieldMap(crm="Mailing_Country", erp=f"{BILL}.country"),
    ),
)
