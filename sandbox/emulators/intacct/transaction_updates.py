"""``update_sotransaction``: changing an open sales transaction, its header and its lines.

developer.intacct.com "Order Entry Transactions", "Update Order Entry Transaction (Legacy)"
(the SDKs' ``OrderEntryTransactionUpdate`` / ``OrderEntryTransactionLineUpdate``)::

    <update_sotransaction key="Sales Order-SO0001">
        <datecreated>…</datecreated> <referenceno/> <termname/> <datedue>…</datedue>
        <message/> <shipto><contactname/></shipto> <billto><contactname/></billto>
        <currency/> <state/>
        <updatesotransitems>
            <updatesotransitem line_num="1"><itemid/><itemdesc/><quantity/><unit/>
                <discountpercent/><price/><memo/></updatesotransitem>  changes line 1
            <sotransitem>…</sotransitem>                            adds a line
        </updatesotransitems>
    </update_sotransaction>

``line_num`` counts from 1 while ``read`` answers ``LINE_NO`` from 0 ("Working with
transaction lines and legacy functions"). "You cannot update an order entry transaction or
order entry transaction items if the state of the order entry transaction is In Progress,
Converted, or Partially Converted." A transaction whose definition posts to Accounts
Receivable has its ARINVOICE deleted and recreated (a new RECORDNO, the document's
``PRRECORDKEY``), which this emulator allows only while nothing is paid on it. The result
carries the document's ``<key>``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from sandbox.emulators.intacct import errors, objects, sales_documents
from sandbox.emulators.intacct.schema import Record
from sandbox.emulators.intacct.store import Company

LABEL = "Order Entry Transaction"
LOCKED = ("In Progress", "Converted", "Partially Converted")
CENT = Decimal("0.01")
LINE_TAGS = (
    ("itemid", "ITEMID"),
    ("itemdesc", "ITEMDESC"),
    ("quantity", "QUANTITY"),
    ("unit", "UNIT"),
    ("discountpercent", "DISCOUNTPERCENT"),
    ("price", "PRICE"),
    ("memo", "MEMO"),
)
NUMBERS = ("QUANTITY", "PRICE", "DISCOUNTPERCENT")


def _text(node: Element, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def update_sotransaction(company: Company, body: Element, user_key: int) -> str:
    key = (body.get("key") or "").strip()
    document = company.by_id(objects.SODOCUMENT, key)
    if document is None:
        raise errors.not_found_for_update("SODOCUMENT", "DOCID", key)
    if document.get("STATE") in LOCKED:
        raise errors.rule(
            f"Transaction {key} is {document['STATE']} and cannot be updated.",
            "Update the transaction it was converted to instead.",
        )
    for tag, name in (
        ("referenceno", "PONUMBER"),
        ("message", "MESSAGE"),
        ("termname", "TERM.NAME"),
        ("currency", "CURRENCY"),
        ("shipto/contactname", "SHIPTO.CONTACTNAME"),
        ("billto/contactname", "BILLTO.CONTACTNAME"),
    ):
        if body.find(tag) is not None:
            document[name] = _text(body, tag) or None
    for tag, name in (("datecreated", "WHENCREATED"), ("datedue", "WHENDUE")):
        if body.find(tag) is not None:
            document[name] = sales_documents._date(body, tag)
    state = _text(body, "state")
    if state:
        if state not in sales_documents.STATES:
            raise errors.invalid_value(LABEL, "state", state, "Draft, Pending or Closed")
        document["STATE"] = state
    entries = sorted(
        (r for r in company.rows(objects.SODOCUMENTENTRY) if r["DOCHDRNO"] == document["RECORDNO"]),
        key=lambda r: int(r.get("LINE_NO") or 0),
    )
    for node in body.findall("updatesotransitems/updatesotransitem"):
        number = (node.get("line_num") or "").strip()
        if not number.isdigit() or not 1 <= int(number) <= len(entries):
            raise errors.invalid_value(
                LABEL, "line_num", number, f"a line of the transaction (1 to {len(entries)})"
            )
        entry = entries[int(number) - 1]
        entry.update(_line_values(company, node, partial=True))
        entry["TOTAL"] = _total(entry)
        company.touch(entry, user_key)
    for node in body.findall("updatesotransitems/sotransitem"):
        values = _line_values(company, node, partial=False)
        entry = company.insert(
            objects.SODOCUMENTENTRY,
            {
                **values,
                "DOCHDRNO": document["RECORDNO"],
                "DOCHDRID": document["DOCID"],
                "DOCPARID": document["DOCPARID"],
                "LINE_NO": len(entries),
                "UNIT": values.get("UNIT") or "Each",
            },
            user_key,
        )
        entry["TOTAL"] = _total(entry)
        entries.append(entry)
    total = sum((Decimal(e["TOTAL"] or 0) for e in entries), Decimal(0))
    definition = sales_documents.DEFINITIONS.get(str(document["DOCPARID"]))
    if definition is not None and definition.posts_ar:
        _repost(company, document, total, user_key)
    document["SUBTOTAL"] = document["TOTAL"] = document["TRX_TOTAL"] = total
    company.touch(document, user_key)
    return key


def _line_values(company: Company, node: Element, *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for tag, name in LINE_TAGS:
        if node.find(tag) is None:
            continue
        text = _text(node, tag)
        if name in NUMBERS:
            try:
                values[name] = Decimal(text) if text else None
            except InvalidOperation:
                raise errors.invalid_value(LABEL, tag, text, "a number") from None
        else:
            values[name] = text or None
    itemid = values.get("ITEMID")
    if itemid is not None or not partial:
        item = company.by_id(objects.ITEM, str(itemid or ""))
        if item is None:
            raise errors.invalid_reference(LABEL, "itemid", str(itemid or ""), "Item")
        if not partial and values.get("PRICE") is None:
            values["PRICE"] = item.get("BASEPRICE")
    if not partial and values.get("QUANTITY") is None:
        raise errors.required_field(LABEL, "quantity", "update")
    return values


def _total(entry: Record) -> Decimal:
    gross = Decimal(entry.get("QUANTITY") or 0) * Decimal(entry.get("PRICE") or 0)
    discount = Decimal(entry.get("DISCOUNTPERCENT") or 0)
    return (gross - gross * discount / 100).quantize(CENT, ROUND_HALF_UP)


def _repost(company: Company, document: Record, total: Decimal, user_key: int) -> None:
    """The AR invoice deleted and recreated for the new total (nothing paid on it yet)."""
    old = company.get(objects.ARINVOICE, int(document.get("PRRECORDKEY") or 0))
    if old is not None:
        if Decimal(old.get("TOTALPAID") or 0) > 0:
            raise errors.rule(
                f"Transaction {document['DOCID']} has payments applied and cannot be updated."
            )
        for item in company.rows(objects.ARINVOICEITEM):
            if item.get("RECORDKEY") == old["RECORDNO"]:
                company.delete(objects.ARINVOICEITEM, int(item["RECORDNO"]), user_key)
        company.delete(objects.ARINVOICE, int(old["RECORDNO"]), user_key)
        previous = Decimal(old.get("TOTALDUE") or 0)
    else:
        previous = Decimal(0)
    invoice = company.insert(
        objects.ARINVOICE,
        {
            "RECORDID": document["DOCNO"],
            "DOCNUMBER": document["DOCID"],
            "CUSTOMERID": document["CUSTVENDID"],
            "CUSTOMERNAME": document.get("CUSTVENDNAME"),
            "STATE": "Posted",
            "WHENCREATED": document["WHENCREATED"],
            "WHENPOSTED": document["WHENCREATED"],
            "WHENDUE": document["WHENDUE"],
            "TERMNAME": document.get("TERM.NAME"),
            "DESCRIPTION": document.get("PONUMBER"),
            "CURRENCY": document.get("CURRENCY"),
            "BASECURR": "USD",
            "TOTALENTERED": total,
            "TOTALPAID": Decimal(0),
            "TOTALDUE": total,
            "TRX_TOTALENTERED": total,
            "TRX_TOTALDUE": total,
        },
        user_key,
    )
    document["PRRECORDKEY"] = invoice["RECORDNO"]
    customer = company.by_id(objects.CUSTOMER, str(document["CUSTVENDID"]))
    if customer is not None:
        customer["TOTALDUE"] = Decimal(customer.get("TOTALDUE") or 0) - previous + total
        company.touch(customer, user_key)
