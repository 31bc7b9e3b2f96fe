"""The sales documents' mirror fields as a mapping, so a connection can choose their source.

"The Salesforce objects reflect the data in Intacct. For the fields Intacct requires on
these objects you cannot change the direction of the sync; for the others you can change
the source as your integration needs" (the seed). The same fields sit on the four document
mirrors (Sales Quotes, Sales Orders, Sales Invoices, Other Sales Documents); every one flows
from Intacct by default. A connection overrides a non-required one under
``mappings.sales_document_mirror.fields.<Intacct field>``, e.g. ``{"MESSAGE": {"direction":
"crm_to_erp"}}``: the mirror then stops writing it, and an edit of it in Salesforce reaches
the Intacct document (``update_sotransaction``) on the mirror's next run
(:mod:`sales_mirror_edits`). ``both`` writes Intacct's value and sends Salesforce's edits. A
required field's direction cannot change (the catalog refuses the connection naming the
path). Only fields ``update_sotransaction`` can change are offered: the message and the due
date.
"""

from __future__ import annotations

from shared.mapping.fields import Direction, FieldMap, ObjectMapping, Side

E2C = Direction.ERP_TO_CRM
MIRROR = "sales_document_mirror"


def _required(crm: str, erp: str) -> FieldMap:
    return FieldMap(crm=crm, erp=erp, direction=E2C, required=True)


SALES_DOCUMENT_MIRROR = ObjectMapping(
    name=MIRROR,
    crm_object="Intacct_Sales_Order__c",  # and the three other document mirrors, alike
    erp_object="SODOCUMENT",
    crm_key_field="Intacct_Document_ID__c",
    erp_key_field="DOCID",
    fields=(
        _required("Intacct_Document_ID__c", "DOCID"),
        _required("Document_Type__c", "DOCPARID"),
        _required("Document_Number__c", "DOCNO"),
        _required("Document_Date__c", "WHENCREATED"),
        _required("State__c", "STATE"),
        _required("Currency__c", "CURRENCY"),
        _required("Total__c", "TOTAL"),
        _required("Reference_Number__c", "PONUMBER"),
        _required("Created_From__c", "CREATEDFROM"),
        FieldMap(
            crm="Due_Date__c",
            erp="WHENDUE",
            direction=E2C,
            to_erp="date_to_mdy",
            to_crm="date_to_iso",
        ),
        FieldMap(crm="Message__c", erp="MESSAGE", direction=E2C),
    ),
)
MIRROR_MAPPINGS: dict[str, ObjectMapping] = {MIRROR: SALES_DOCUMENT_MIRROR}
# update_sotransaction's element for each field Salesforce may own
UPDATE_ELEMENTS = {"WHENDUE": "datedue", "MESSAGE": "message"}


def crm_owned(mapping: ObjectMapping) -> tuple[str, ...]:
    """The mirror fields (Salesforce names) the mirror must not write: their source is
    Salesforce alone."""
    return tuple(
        str(f.crm)
        for f in mapping.fields
        if f.crm is not None and not f.direction.flows_from(Side.ERP)
    )


def from_crm(mapping: ObjectMapping) -> tuple[FieldMap, ...]:
    """The mirror fields whose Salesforce edits reach Intacct."""
    return tuple(f for f in mapping.flowing_from(Side.CRM) if f.erp in UPDATE_ELEMENTS)
