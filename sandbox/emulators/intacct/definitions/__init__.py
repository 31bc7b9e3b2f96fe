"""Intacct's published object definitions: every standard field of the objects served.

Each table is the gateway's own answer to ``<lookup><object>NAME</object></lookup>``
(developer.intacct.com "Objects": "The ``lookup`` function lists all fields and
relationships for standard or custom objects"), recorded from a live company and
published with the MIT-licensed Python client CPAanalytics/intacct_sdk
(``fixtures/lookup/<OBJECT>.xml``). Only standard fields (``<ISCUSTOM>false``) are kept;
that company's custom fields are left out. The field lists agree with the create/update
parameters and "query Fields" tables of the developer.intacct.com object pages
("Customers", "Items", "Contracts", "Contract Lines", …), which list fewer fields: the
read-only and system fields (``ENTITY``, ``PARENTKEY``, ``MEGAENTITYID``, ``RECORD_URL``,
``MRR``, …) appear only here.

Served objects with no recorded answer (``ARINVOICEITEM``, ``RENEWALMACRO``) keep the
fields :mod:`sandbox.emulators.intacct.objects` declares, and ``lookup`` describes those.
"""

from __future__ import annotations

from sandbox.emulators.intacct.definitions import (
    contracts,
    customers,
    items,
    order_entry,
    receivables,
)
from sandbox.emulators.intacct.definitions.common import ObjectDefinition

RECORDED: dict[str, ObjectDefinition] = {
    definition.name: definition
    for definition in (
        customers.CUSTOMER,
        customers.CONTACT,
        items.ITEM,
        contracts.CONTRACT,
        contracts.CONTRACTDETAIL,
        contracts.CONTRACTBILLINGTEMPLATE,
        contracts.CONTRACTBILLINGTEMPLATEENTRY,
        contracts.CONTRACTPRICELIST,
        contracts.CONTRACTREVENUETEMPLATE,
        order_entry.SODOCUMENT,
        order_entry.SODOCUMENTENTRY,
        receivables.ARINVOICE,
        receivables.ARTERM,
    )
}


def recorded(name: str) -> ObjectDefinition | None:
    return RECORDED.get(name)
