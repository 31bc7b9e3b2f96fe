"""Which Salesforce fields "Create Sales Order" reads, and how Intacct's documented sales
transaction create (``create_sotransaction``, developer.intacct.com "Order Entry
Transactions", element order of Intacct's SDKs) is built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from shared.connectors.intacct.xml import text_value

OPPORTUNITY_FIELDS = (
    "Id",
    "Name",
    "AccountId",
    "StageName",
    "IsWon",
    "IsClosed",
    "CloseDate",
    "RecordType.Name",
    "RecordType.DeveloperName",
)
LINE_FIELDS = (
    "Id",
    "OpportunityId",
    "Product2Id",
    "Product2.Name",
    "Product2.ProductCode",
    "Product2.Intacct_Item_ID__c",
    "Quantity",
    "UnitPrice",
    "Discount",
    "Description",
)
# The reference (PONUMBER) ties a document to its opportunity and to the press that made it:
# "<18-character opportunity Id>-<8 characters of the press>" (27 characters).
PRESS_CHARS = 8


def reference(opportunity_id: str, press: str) -> str:
    return f"{opportunity_id}-{press[:PRESS_CHARS]}"


def opportunity_of(reference_number: Any) -> str | None:
    """The opportunity Id a document's PONUMBER names (one ledgerlink wrote), else None."""
    value = str(reference_number or "")
    head, sep, tail = value.partition("-")
    if sep and len(head) == 18 and head.isalnum() and len(tail) == PRESS_CHARS:
        return head
    return None


def allowed_record_type(opportunity: Mapping[str, Any], allowed: str) -> bool:
    return allowed in (
        opportunity.get("RecordType.DeveloperName"),
        opportunity.get("RecordType.Name"),
    )


def _sub(parent: Element, tag: str, value: Any) -> None:
    if value is not None and value != "":
        SubElement(parent, tag).text = text_value(value)


def _date(parent: Element, tag: str, value: date) -> None:
    node = SubElement(parent, tag)
    SubElement(node, "year").text = str(value.year)
    SubElement(node, "month").text = f"{value.month:02d}"
    SubElement(node, "day").text = f"{value.day:02d}"


def create_sotransaction(
    *,
    document_type: str,
    on: date,
    customer_id: str,
    reference_number: str,
    opportunity: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    items: Mapping[str, str],
    contact_name: str | None,
    payment_term: str | None,
    currency: str | None,
) -> Element:
    body = Element("create_sotransaction")
    _sub(body, "transactiontype", document_type)
    _date(body, "datecreated", on)
    _sub(body, "customerid", customer_id)
    _sub(body, "referenceno", reference_number)
    _sub(body, "termname", payment_term)
    _sub(body, "message", f"Salesforce opportunity {opportunity['Name']}"[:4000])
    if contact_name:
        SubElement(SubElement(body, "shipto"), "contactname").text = contact_name
        SubElement(SubElement(body, "billto"), "contactname").text = contact_name
    _sub(body, "currency", currency)
    items_node = SubElement(body, "sotransitems")
    for line in lines:
        item = SubElement(items_node, "sotransitem")
        _sub(item, "itemid", items[str(line["Id"])])
        _sub(item, "itemdesc", line.get("Description") or line.get("Product2.Name"))
        _sub(item, "quantity", Decimal(str(line.get("Quantity") or 1)))
        _sub(item, "unit", "Each")
        if line.get("Discount"):
            _sub(item, "discountpercent", Decimal(str(line["Discount"])))
        _sub(item, "price", Decimal(str(line.get("UnitPrice") or 0)))
        _sub(item, "memo", f"Salesforce line {line['Id']}")
    return body


def _line(node: Element, line: Mapping[str, Any], item_id: str) -> None:
    _sub(node, "itemid", item_id)
    _sub(node, "itemdesc", line.get("Description") or line.get("Product2.Name"))
    _sub(node, "quantity", Decimal(str(line.get("Quantity") or 1)))
    _sub(node, "unit", "Each")
    _sub(node, "discountpercent", Decimal(str(line.get("Discount") or 0)))
    _sub(node, "price", Decimal(str(line.get("UnitPrice") or 0)))
    _sub(node, "memo", f"Salesforce line {line['Id']}")


def update_sotransaction(
    *,
    document_id: str,
    on: date,
    opportunity: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    items: Mapping[str, str],
    document_lines: int,
    contact_name: str | None,
) -> Element:
    """The open transaction brought up to date with the opportunity (``update_sotransaction``,
    same page, "Update Order Entry Transaction (Legacy)"): its date, message and contacts,
    its first ``document_lines`` lines changed in place (``line_num`` counts from 1) and
    the opportunity's further products added. The caller makes sure the opportunity has at
    least as many products as the document has lines: the function cannot remove one."""
    body = Element("update_sotransaction", key=document_id)
    _date(body, "datecreated", on)
    _sub(body, "message", f"Salesforce opportunity {opportunity['Name']}"[:4000])
    if contact_name:
        SubElement(SubElement(body, "shipto"), "contactname").text = contact_name
        SubElement(SubElement(body, "billto"), "contactname").text = contact_name
    items_node = SubElement(body, "updatesotransitems")
    for number, line in enumerate(lines, start=1):
        if number <= document_lines:
            node = SubElement(items_node, "updatesotransitem", line_num=str(number))
        else:
            node = SubElement(items_node, "sotransitem")
        _line(node, line, items[str(line["Id"])])
    return body
