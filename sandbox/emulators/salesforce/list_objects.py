"""The managed-list objects the Intacct package installs in Salesforce: one custom object per
Intacct list, read-only in spirit (their values are Intacct's), each value keyed by an
external id naming its Intacct record (``Intacct_Key__c``: ``ARTERM:3``), with the value
Intacct takes (``Intacct_ID__c``), its name, description and whether it is active.
"""

from __future__ import annotations

from sandbox.emulators.salesforce.objects import f, sobject
from sandbox.emulators.salesforce.schema import ObjectDef

# (object, key prefix, label): one per list of the integration's "Managed lists"
LISTS = (
    ("Intacct_AR_Payment_Term__c", "a2A", "Intacct AR Payment Term"),
    ("Intacct_Billing_Template__c", "a2B", "Intacct Billing Template"),
    ("Intacct_Class__c", "a2C", "Intacct Class"),
    ("Intacct_Department__c", "a2D", "Intacct Department"),
    ("Intacct_Employee__c", "a2E", "Intacct Employee"),
    ("Intacct_Location__c", "a2F", "Intacct Entity or Location"),
    ("Intacct_Exchange_Rate_Type__c", "a2G", "Intacct Exchange Rate Type"),
    ("Intacct_Project_Status__c", "a2H", "Intacct Project Status"),
    ("Intacct_Project_Template__c", "a2I", "Intacct Project Template"),
    ("Intacct_Project_Type__c", "a2J", "Intacct Project Type"),
    ("Intacct_Renewal_Template__c", "a2K", "Intacct Renewal Template"),
    ("Intacct_Territory__c", "a2L", "Intacct Territory"),
)


def list_object(name: str, prefix: str, label: str) -> ObjectDef:
    extra = (
        (f("Kind__c", "picklist", length=20, picklist=("Entity", "Location")),)
        if name == "Intacct_Location__c"
        else ()
    )
    return sobject(
        name,
        prefix,
        f("Name", length=80, required=True, label=f"{label} Name"),
        f("Intacct_Key__c", length=60, external_id=True, unique=True, label="Intacct Key"),
        # the value Intacct takes: unique in its list, so records pick by it (external id)
        f("Intacct_ID__c", length=80, external_id=True, unique=True, label="Intacct ID"),
        f("Description__c", length=255),
        f("Active__c", "boolean", default=True),
        *extra,
        label=label,
    )


LIST_OBJECTS: tuple[ObjectDef, ...] = tuple(list_object(*spec) for spec in LISTS)
