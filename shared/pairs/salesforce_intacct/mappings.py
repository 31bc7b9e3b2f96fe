"""Salesforce <-> Intacct default mappings (Account <-> CUSTOMER, Contact <-> CONTACT). A
connection may override the non-required parts."""

from __future__ import annotations

from shared.mapping.computes import register_computes
from shared.mapping.fields import Direction, FieldMap, Identity, ObjectMapping
from shared.pairs.salesforce_intacct import computes as _computes  # registers its computes
from shared.pairs.salesforce_intacct import products as sales_mappings
from shared.pairs.salesforce_intacct.projects import list_compute

assert _computes.COMPUTES
# An account's territory is picked from Intacct's mirrored territories (a lookup to
# Intacct_Territory__c): an unknown or inactive one is refused naming the list and the value
# before anything reaches Intacct (issue 13's managed-list check).
register_computes({"account_territory": list_compute("Territory__c", "territories")})
B, C2E, E2C = Direction.BOTH, Direction.CRM_TO_ERP, Direction.ERP_TO_CRM
ADDR = "DISPLAYCONTACT.MAILADDRESS"
# Who created a record, as each side shows it (Identity.creator_field): a copy of ours seen
# before its link is saved waits for it, so a create saves one intent write fewer
CRM_CREATOR = "CreatedById"
ERP_CREATOR = "CREATEDBYLOGINID"
MAIL = "MAILADDRESS"

ACCOUNT_CUSTOMER = ObjectMapping(
    name="account_customer",
    crm_object="Account",
    erp_object="CUSTOMER",
    crm_key_field="Intacct_Customer_ID__c",
    erp_key_field="CUSTOMERID",
    erp_identity=Identity.chosen("CUSTOMERID", "customer_id", creator_field=ERP_CREATOR),
    crm_identity=Identity.assigned("Intacct_Customer_ID__c", creator_field=CRM_CREATOR),
    fields=(
        FieldMap(crm="Intacct_Customer_ID__c", erp="CUSTOMERID", direction=E2C, required=True),
        FieldMap(crm="Name", erp="NAME", direction=B, required=True),
        FieldMap(crm="Name", erp="DISPLAYCONTACT.PRINTAS", direction=C2E, required=True),
        FieldMap(crm="Name", erp="DISPLAYCONTACT.COMPANYNAME", direction=C2E),
        FieldMap(crm="Phone", erp="DISPLAYCONTACT.PHONE1"),
        FieldMap(crm="Fax", erp="DISPLAYCONTACT.FAX"),
        FieldMap(crm="Website", erp="DISPLAYCONTACT.URL1"),
        FieldMap(crm="BillingStreet", erp=f"{ADDR}.ADDRESS1"),
        FieldMap(crm="BillingCity", erp=f"{ADDR}.CITY"),
        FieldMap(crm="BillingState", erp=f"{ADDR}.STATE"),
        FieldMap(crm="BillingPostalCode", erp=f"{ADDR}.ZIP"),
        FieldMap(crm="BillingCountry", erp=f"{ADDR}.COUNTRY"),
        FieldMap(
            crm="Territory__r.Intacct_ID__c", erp="TERRITORYID", compute_for_erp="account_territory"
        ),
    ),
)

CONTACT_CONTACT = ObjectMapping(
    name="contact_contact",
    crm_object="Contact",
    erp_object="CONTACT",
    crm_key_field="Intacct_Contact_Name__c",
    erp_key_field="CONTACTNAME",
    erp_identity=Identity.chosen("CONTACTNAME", "contact_name", creator_field=ERP_CREATOR),
    crm_identity=Identity.assigned("Intacct_Contact_Name__c", creator_field=CRM_CREATOR),
    erp_owned_by=("CUSTOMER", "DISPLAYCONTACT.CONTACTNAME"),
    fields=(
        FieldMap(crm="Intacct_Contact_Name__c", erp="CONTACTNAME", direction=E2C, required=True),
        FieldMap(erp="PRINTAS", direction=C2E, required=True, compute_for_erp="contact_print_as"),
        FieldMap(crm="FirstName", erp="FIRSTNAME"),
        FieldMap(
            crm="LastName",
            erp="LASTNAME",
            required=True,
            compute_for_crm="last_name_or_print_as",
        ),
        FieldMap(crm="Account.Name", erp="COMPANYNAME", direction=C2E),
        FieldMap(crm="Salutation", erp="PREFIX"),
        FieldMap(crm="Email", erp="EMAIL1"),
        FieldMap(crm="Phone", erp="PHONE1"),
        FieldMap(crm="MobilePhone", erp="CELLPHONE"),
        FieldMap(crm="MailingStreet", erp=f"{MAIL}.ADDRESS1"),
        FieldMap(crm="MailingCity", erp=f"{MAIL}.CITY"),
        FieldMap(crm="MailingState", erp=f"{MAIL}.STATE"),
        FieldMap(crm="MailingPostalCode", erp=f"{MAIL}.ZIP"),
        FieldMap(crm="MailingCountry", erp=f"{MAIL}.COUNTRY"),
    ),
)

MAPPINGS: dict[str, ObjectMapping] = {m.name: m for m in (ACCOUNT_CUSTOMER, CONTACT_CONTACT)}
MAPPINGS.update({m.name: m for m in sales_mappings.MAPPINGS})  # products, price lists

# Projects and tasks (their own module), in force unless the connection turns them off.
from shared.pairs.salesforce_intacct.projects import MAPPINGS as PROJECT_MAPPINGS  # noqa: E402

MAPPINGS.update(PROJECT_MAPPINGS)
