"""Recurring sales transactions: the documented create, "convert to recurring" as finance does
it in the UI, and the schedule that generates the documents over time.

``create_recursotransaction`` (developer.intacct.com "Recurring Order Entry Transactions",
"Create Recurring Order Entry Transaction (Legacy)"; the element order of the SDKs'
``RecurringOrderEntryTransactionCreate``)::

    <create_recursotransaction>
        <transactiontype>Sales Invoice</transactiontype>   the definition generated
        <customerid>C1234</customerid> <referenceno/> <termname/> <message/>
        <contractid/> <shipto><contactname/></shipto> <billto><contactname/></billto>
        <currency/>
        <recursotransitems><recursotransitem><itemid/><itemdesc/><quantity/><unit/>
            <price/><memo/></recursotransitem></recursotransitems>
        <startdate><year/><month/><day/></startdate>                      required
        <ending><occur>12</occur></ending>  or  <ending><enddate>…</enddate></ending>
        <modenew>Months</modenew>   None, Days, Weeks, Months or Years (default None)
        <interval>1</interval>      required unless modenew is None
        <eom>false</eom>            Months only: on the last day of each month
        <status>active</status>     <docstatus>Active</docstatus>
    </create_recursotransaction>

Like every legacy create the result carries the new record's ``<key>`` (its RECORDNO).
Leaving ``ending`` out never ends the schedule; ``modenew`` None makes one document.

Converting a sales order "to recurring" (the UI's Convert with a recurring schedule) makes
the template from every line of the order, names the order in ``SOURCEDOCUMENT`` and marks
the order ``Converted``. Intacct's scheduler then creates one document of the template's
definition on each date of the schedule (:func:`run_recurring`, the admin
``recurring-run``, as contract billing has ``billing-run``): a Sales Invoice posts its
ARINVOICE as any other (:mod:`sales_documents`), and carries the template's reference
number, customer, terms, currency and lines.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree.ElementTree import Element, SubElement

from sandbox.emulators.intacct import errors, objects, sales_documents
from sandbox.emulators.intacct.recurring_objects import (
    DOC_STATUSES,
    REPEAT_MODES,
    SORECURDOCUMENT,
    SORECURDOCUMENTENTRY,
)
from sandbox.emulators.intacct.schema import Record
from sandbox.emulators.intacct.store import Company

LABEL = "Recurring Order Entry Transaction"
CENT = Decimal("0.01")


def _text(node: Element, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(node: Element, path: str) -> date | None:
    found = node.find(path)
    if found is None:
        return None
    try:
        return date(int(_text(found, "year")), int(_text(found, "month")), int(_text(found, "day")))
    except ValueError:
        raise errors.invalid_value(LABEL, path, "", "a date as year, month and day") from None


def _decimal(text: str, field: str, default: Decimal | None = None) -> Decimal:
    if not text:
        if default is None:
            raise errors.required_field(LABEL, field)
        return default
    try:
        return Decimal(text)
    except InvalidOperation:
        raise errors.invalid_value(LABEL, field, text, "a number") from None


def _integer(text: str, field: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise errors.invalid_value(LABEL, field, text, "a whole number of 1 or more")
    return int(text)


def create_recursotransaction(company: Company, body: Element, user_key: int) -> str:
    """Run ``create_recursotransaction``; the new template's RECORDNO."""
    docparid = _text(body, "transactiontype")
    if docparid not in sales_documents.DEFINITIONS:
        raise errors.rule(
            f"Invalid transaction definition '{docparid}'.",
            "Use a transaction definition of Order Entry (Sales Order, Sales Invoice, …).",
        )
    customer_id = _text(body, "customerid")
    customer = company.by_id(objects.CUSTOMER, customer_id)
    if customer is None:
        raise errors.invalid_reference(LABEL, "customerid", customer_id, "Customer")
    start = _date(body, "startdate")
    if start is None:
        raise errors.required_field(LABEL, "startdate")
    mode = _text(body, "modenew") or "None"
    if mode not in REPEAT_MODES:
        raise errors.invalid_value(LABEL, "modenew", mode, ", ".join(REPEAT_MODES))
    interval = _integer(_text(body, "interval"), "interval")
    if mode != "None" and interval is None:
        raise errors.required_field(LABEL, "interval")
    occurrences = _integer(_text(body, "ending/occur"), "ending.occur")
    end = _date(body, "ending/enddate")
    if end is not None and end < start:
        raise errors.rule("The end date is before the start date.", "Fix the schedule.")
    status = _text(body, "status") or "active"
    if status not in ("active", "inactive"):
        raise errors.invalid_value(LABEL, "status", status, "active or inactive")
    doc_status = _text(body, "docstatus") or "Active"
    if doc_status not in DOC_STATUSES:
        raise errors.invalid_value(LABEL, "docstatus", doc_status, ", ".join(DOC_STATUSES))
    lines = _lines(company, body.findall("recursotransitems/recursotransitem"))
    if not lines:
        raise errors.rule("A transaction needs at least one line.", "Add a recursotransitem.")
    total = sum((line["TOTAL"] for line in lines), Decimal(0))
    template = company.insert(
        SORECURDOCUMENT,
        {
            "DOCPARID": docparid,
            "STATUS": status,
            "DOCSTATUS": doc_status,
            "CUSTVENDID": customer_id,
            "CUSTVENDNAME": customer.get("NAME"),
            "PONUMBER": _text(body, "referenceno") or None,
            "MESSAGE": _text(body, "message") or None,
            "CONTRACTID": _text(body, "contractid") or None,
            "TERM.NAME": _text(body, "termname") or customer.get("TERMNAME") or None,
            "BILLTO.CONTACTNAME": _text(body, "billto/contactname") or None,
            "SHIPTO.CONTACTNAME": _text(body, "shipto/contactname") or None,
            "CURRENCY": _text(body, "currency") or customer.get("CURRENCY") or "USD",
            "SUBTOTAL": total,
            "TOTAL": total,
            "SOURCEDOCUMENT": _text(body, "sourcedocument") or None,
            "STARTDATE": start,
            "ENDDATE": end,
            "NEXTEXECDATE": start,
            "REPEATBY": mode,
            "REPEATINTERVAL": interval,
            "REPEATCOUNT": 1 if mode == "None" else occurrences,
            "EXECCOUNT": 0,
            "EOM": _text(body, "eom") == "true",
        },
        user_key,
    )
    template["DOCID"] = f"{docparid}-REC{template['RECORDNO']:04d}"
    template["SCHOPKEY"] = template["RECORDNO"]
    for index, line in enumerate(lines):
        company.insert(
            SORECURDOCUMENTENTRY,
            {**line, "DOCHDRNO": template["RECORDNO"], "LINE_NO": index},
            user_key,
        )
    return str(template["RECORDNO"])


def _lines(company: Company, nodes: list[Element]) -> list[Record]:
    lines = []
    for node in nodes:
        itemid = _text(node, "itemid")
        item = company.by_id(objects.ITEM, itemid)
        if item is None:
            raise errors.invalid_reference(LABEL, "itemid", itemid, "Item")
        base = item.get("BASEPRICE")
        quantity = _decimal(_text(node, "quantity"), "quantity")
        price = _decimal(_text(node, "price"), "price", base if base is not None else None)
        discount = _decimal(_text(node, "discountpercent"), "discountpercent", Decimal(0))
        gross = quantity * price
        lines.append(
            {
                "ITEMID": itemid,
                "ITEMDESC": _text(node, "itemdesc") or item.get("NAME"),
                "QUANTITY": quantity,
                "UNIT": _text(node, "unit") or "Each",
                "PRICE": price,
                "DISCOUNTPERCENT": discount or None,
                "TOTAL": (gross - gross * discount / 100).quantize(CENT, ROUND_HALF_UP),
                "MEMO": _text(node, "memo") or None,
            }
        )
    return lines


# -- what finance does in the UI, and what the scheduler does --------------------------------


def convert_to_recurring(
    company: Company,
    docid: str,
    to: str,
    start: date,
    *,
    repeat_by: str,
    interval: int,
    occurrences: int | None,
    user_key: int,
) -> int:
    """Convert ``docid`` (an open order) into a recurring ``to`` schedule from ``start``;
    the template's RECORDNO. The order becomes ``Converted``."""
    source = company.by_id(objects.SODOCUMENT, docid)
    if source is None:
        raise KeyError(docid)
    if source.get("STATE") in ("Converted", "Closed"):
        raise errors.rule(f"Transaction {docid} is already {str(source['STATE']).lower()}.")
    body = Element("create_recursotransaction")
    _sub(body, "transactiontype", to)
    _sub(body, "customerid", source.get("CUSTVENDID"))
    _sub(body, "referenceno", source.get("PONUMBER"))
    _sub(body, "termname", source.get("TERM.NAME"))
    _sub(body, "message", source.get("MESSAGE"))
    if source.get("SHIPTO.CONTACTNAME"):
        _sub(SubElement(body, "shipto"), "contactname", source["SHIPTO.CONTACTNAME"])
    if source.get("BILLTO.CONTACTNAME"):
        _sub(SubElement(body, "billto"), "contactname", source["BILLTO.CONTACTNAME"])
    _sub(body, "currency", source.get("CURRENCY"))
    items = SubElement(body, "recursotransitems")
    for row in sorted(_entries(company, source), key=lambda r: int(r.get("LINE_NO") or 0)):
        item = SubElement(items, "recursotransitem")
        for tag, name in (
            ("itemid", "ITEMID"),
            ("itemdesc", "ITEMDESC"),
            ("quantity", "QUANTITY"),
            ("unit", "UNIT"),
            ("discountpercent", "DISCOUNTPERCENT"),
            ("price", "PRICE"),
            ("memo", "MEMO"),
        ):
            _sub(item, tag, row.get(name))
    _date_element(body, "startdate", start)
    if occurrences is not None:
        _sub(SubElement(body, "ending"), "occur", occurrences)
    _sub(body, "modenew", repeat_by)
    _sub(body, "interval", interval)
    _sub(body, "sourcedocument", docid)
    recordno = int(create_recursotransaction(company, body, user_key))
    source["STATE"] = "Converted"
    company.touch(source, user_key)
    return recordno


def run_recurring(company: Company, as_of: date, user_key: int) -> list[str]:
    """Every active schedule's documents due up to ``as_of`` (catching up missed dates);
    the DOCIDs made, in date order."""
    made: list[str] = []
    for template in company.rows(SORECURDOCUMENT):
        while _due(template, as_of):
            on = template["NEXTEXECDATE"]
            body = _document(company, template, on)
            made.append(sales_documents.create_sotransaction(company, body, user_key))
            template["EXECCOUNT"] = int(template.get("EXECCOUNT") or 0) + 1
            template["LASTEXECDATE"] = on
            template["NEXTEXECDATE"] = _next(template, on)
            if template["NEXTEXECDATE"] is None:
                template["DOCSTATUS"] = "Ended"
            company.touch(template, user_key)
    return made


def _due(template: Record, as_of: date) -> bool:
    next_on = template.get("NEXTEXECDATE")
    return (
        template.get("STATUS") == "active"
        and template.get("DOCSTATUS") == "Active"
        and next_on is not None
        and next_on <= as_of
    )


def _next(template: Record, on: date) -> date | None:
    """The date after ``on``, or None when the schedule has ended."""
    mode = template.get("REPEATBY") or "None"
    count = template.get("REPEATCOUNT")
    if mode == "None" or (count is not None and int(template["EXECCOUNT"]) >= int(count)):
        return None
    step = int(template.get("REPEATINTERVAL") or 1)
    executed = int(template["EXECCOUNT"])
    start: date = template["STARTDATE"]
    if mode == "Days":
        following = on + timedelta(days=step)
    elif mode == "Weeks":
        following = on + timedelta(weeks=step)
    else:  # months and years count from the start, so the 31st stays the month's end
        months = step * executed * (12 if mode == "Years" else 1)
        following = _add_months(start, months, end_of_month=bool(template.get("EOM")))
    end = template.get("ENDDATE")
    return None if end is not None and following > end else following


def _add_months(start: date, months: int, *, end_of_month: bool) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if end_of_month else min(start.day, last))


def _entries(company: Company, source: Record) -> list[Record]:
    return [
        r for r in company.rows(objects.SODOCUMENTENTRY) if r.get("DOCHDRNO") == source["RECORDNO"]
    ]


def _document(company: Company, template: Record, on: date) -> Element:
    body = Element("create_sotransaction")
    _sub(body, "transactiontype", template["DOCPARID"])
    _date_element(body, "datecreated", on)
    _sub(body, "customerid", template["CUSTVENDID"])
    _sub(body, "referenceno", template.get("PONUMBER"))
    _sub(body, "termname", template.get("TERM.NAME"))
    _sub(body, "message", template.get("MESSAGE"))
    if template.get("SHIPTO.CONTACTNAME"):
        _sub(SubElement(body, "shipto"), "contactname", template["SHIPTO.CONTACTNAME"])
    if template.get("BILLTO.CONTACTNAME"):
        _sub(SubElement(body, "billto"), "contactname", template["BILLTO.CONTACTNAME"])
    _sub(body, "currency", template.get("CURRENCY"))
    items = SubElement(body, "sotransitems")
    lines = [
        r for r in company.rows(SORECURDOCUMENTENTRY) if r.get("DOCHDRNO") == template["RECORDNO"]
    ]
    for row in sorted(lines, key=lambda r: int(r.get("LINE_NO") or 0)):
        item = SubElement(items, "sotransitem")
        for tag, name in (
            ("itemid", "ITEMID"),
            ("itemdesc", "ITEMDESC"),
            ("quantity", "QUANTITY"),
            ("unit", "UNIT"),
            ("discountpercent", "DISCOUNTPERCENT"),
            ("price", "PRICE"),
            ("memo", "MEMO"),
        ):
            _sub(item, tag, row.get(name))
    return body


def _sub(parent: Element, tag: str, value: object) -> None:
    if value is None or value == "":
        return
    node = SubElement(parent, tag)
    node.text = format(value, "f") if isinstance(value, Decimal) else str(value)


def _date_element(parent: Element, tag: str, value: date) -> None:
    node = SubElement(parent, tag)
    SubElement(node, "year").text = str(value.year)
    SubElement(node, "month").text = f"{value.month:02d}"
    SubElement(node, "day").text = f"{value.day:02d}"
