"""Order Entry sales transactions: the documented create function, transaction definitions
with their numbering, conversion, and the AR invoice a Sales Invoice posts.

``create_sotransaction`` (developer.intacct.com "Order Entry Transactions", "Create Order
Entry Transaction (Legacy)"; the element order of Intacct's SDKs,
``OrderEntryTransactionCreate`` / ``OrderEntryTransactionLineCreate``)::

    <create_sotransaction>
        <transactiontype>Sales Order</transactiontype>
        <datecreated><year>2026</year><month>01</month><day>15</day></datecreated>
        <createdfrom>Sales Order-SO0001</createdfrom>          (converting a document)
        <customerid>C-1</customerid>
        <documentno/> <referenceno/> <termname/>
        <datedue><year/><month/><day/></datedue>
        <message/> <shipto><contactname/></shipto> <billto><contactname/></billto>
        <currency/> <exchratetype/> <state>Pending</state>
        <sotransitems>
            <sotransitem><itemid/><itemdesc/><quantity/><unit/><discountpercent/>
                <price/><sourcelinekey/><memo/></sotransitem>
        </sotransitems>
    </create_sotransaction>

As every legacy (2.1) create, the result carries no ``<data>`` but the new document's key,
``<key>Sales Order-SO0001</key>`` (``DOCPARID-DOCNO``, the ``DOCID`` of SODOCUMENT).

Transaction definitions (SODOCUMENTPARAMS) this company has: ``Sales Quote`` (SQ…),
``Sales Order`` (SO…) and ``Sales Invoice`` (SI…), each with its own numbering sequence;
a Sales Invoice "creates corresponding invoices in the Accounts Receivable application"
(ARINVOICE, the document's ``PRRECORDKEY``) and raises the customer's ``TOTALDUE``.
Converting (``createdfrom``) marks the source ``Converted`` and records ``CREATEDFROM``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from sandbox.emulators.intacct import errors, objects
from sandbox.emulators.intacct.schema import Record
from sandbox.emulators.intacct.store import Company, Sequence

CENT = Decimal("0.01")
LABEL = "Order Entry Transaction"


@dataclass(frozen=True)
class Definition:
    """One transaction definition: its name (DOCPARID), numbering and what it posts."""

    docparid: str
    prefix: str
    posts_ar: bool = False


DEFINITIONS: dict[str, Definition] = {
    d.docparid: d
    for d in (
        Definition("Sales Quote", "SQ"),
        Definition("Sales Order", "SO"),
        Definition("Sales Invoice", "SI", posts_ar=True),
    )
}
STATES = ("Draft", "Pending", "Closed")


def _text(node: Element, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _date(node: Element, tag: str, *, required: bool = False) -> date | None:
    found = node.find(tag)
    if found is None:
        if required:
            raise errors.required_field(LABEL, tag)
        return None
    try:
        return date(int(_text(found, "year")), int(_text(found, "month")), int(_text(found, "day")))
    except ValueError:
        raise errors.invalid_value(LABEL, tag, "", "a date as year, month and day") from None


def _decimal(text: str, field: str, default: Decimal | None = None) -> Decimal:
    if not text:
        if default is None:
            raise errors.required_field(LABEL, field)
        return default
    try:
        return Decimal(text)
    except InvalidOperation:
        raise errors.invalid_value(LABEL, field, text, "a number") from None


def _number(company: Company, definition: Definition) -> str:
    sequence = company.data.sequences.setdefault(
        f"{objects.SODOCUMENT.name}:{definition.docparid}", Sequence(definition.prefix, 1, 4)
    )
    return sequence.take()


@dataclass(frozen=True)
class _Line:
    itemid: str
    itemdesc: str | None
    quantity: Decimal
    unit: str
    price: Decimal
    discount: Decimal
    memo: str | None
    source_line: Record | None

    @property
    def total(self) -> Decimal:
        gross = self.quantity * self.price
        return (gross - gross * self.discount / 100).quantize(CENT, ROUND_HALF_UP)


def create_sotransaction(company: Company, body: Element, user_key: int) -> str:
    """Run ``create_sotransaction``; the new document's DOCID."""
    docparid = _text(body, "transactiontype")
    definition = DEFINITIONS.get(docparid)
    if definition is None:
        raise errors.rule(
            f"Invalid transaction definition '{docparid}'.",
            "Use a transaction definition of Order Entry (Sales Quote, Sales Order, …).",
        )
    created = _date(body, "datecreated", required=True)
    assert created is not None
    customer_id = _text(body, "customerid")
    customer = company.by_id(objects.CUSTOMER, customer_id)
    if customer is None:
        raise errors.invalid_reference(LABEL, "customerid", customer_id, "Customer")
    if customer.get("STATUS") == "inactive":
        raise errors.rule(f"Customer {customer_id} is inactive.", "Activate the customer.")
    source = _source(company, _text(body, "createdfrom"))
    term_name = _text(body, "termname") or customer.get("TERMNAME") or None
    due = _date(body, "datedue") or _due(company, created, term_name)
    lines = _lines(company, body, source)
    if not lines:
        raise errors.rule("A transaction needs at least one line.", "Add an sotransitem.")
    state = _text(body, "state") or "Pending"
    if state not in STATES:
        raise errors.invalid_value(LABEL, "state", state, "Draft, Pending or Closed")
    docno = _text(body, "documentno") or _number(company, definition)
    docid = f"{docparid}-{docno}"
    if company.by_id(objects.SODOCUMENT, docid) is not None:
        raise errors.duplicate_id(LABEL, docid)
    total = sum((ln.total for ln in lines), Decimal(0))
    currency = _text(body, "currency") or customer.get("CURRENCY") or "USD"
    header: Record = {
        "DOCID": docid,
        "DOCNO": docno,
        "DOCPARID": docparid,
        "STATE": state,
        "WHENCREATED": created,
        "WHENDUE": due,
        "CUSTVENDID": customer_id,
        "CUSTVENDNAME": customer.get("NAME"),
        "PONUMBER": _text(body, "referenceno") or None,
        "MESSAGE": _text(body, "message") or None,
        "CREATEDFROM": source["DOCID"] if source else None,
        "BILLTO.CONTACTNAME": _text(body, "billto/contactname") or None,
        "SHIPTO.CONTACTNAME": _text(body, "shipto/contactname") or None,
        "TERM.NAME": term_name,
        "CURRENCY": currency,
        "BASECURR": "USD",
        "SUBTOTAL": total,
        "TOTAL": total,
        "TRX_TOTAL": total,
    }
    if definition.posts_ar:
        header["PRRECORDKEY"] = _post_ar(company, header, lines, user_key)["RECORDNO"]
        customer["TOTALDUE"] = (customer.get("TOTALDUE") or Decimal(0)) + total
        company.touch(customer, user_key)
    document = company.insert(objects.SODOCUMENT, header, user_key)
    for index, line in enumerate(lines):
        company.insert(
            objects.SODOCUMENTENTRY,
            {
                "DOCHDRNO": document["RECORDNO"],
                "DOCHDRID": docid,
                "DOCPARID": docparid,
                "LINE_NO": index,
                "ITEMID": line.itemid,
                "ITEMDESC": line.itemdesc,
                "UNIT": line.unit,
                "QUANTITY": line.quantity,
                "PRICE": line.price,
                "DISCOUNTPERCENT": line.discount or None,
                "TOTAL": line.total,
                "MEMO": line.memo,
                "SOURCE_DOCKEY": source["RECORDNO"] if source else None,
                "SOURCE_DOCLINEKEY": line.source_line["RECORDNO"] if line.source_line else None,
            },
            user_key,
        )
    if source is not None:
        source["STATE"] = "Converted"
        company.touch(source, user_key)
    return docid


def _source(company: Company, created_from: str) -> Record | None:
    if not created_from:
        return None
    source = company.by_id(objects.SODOCUMENT, created_from)
    if source is None:
        raise errors.invalid_reference(LABEL, "createdfrom", created_from, "transaction")
    if source.get("STATE") == "Converted":
        raise errors.rule(f"Transaction {created_from} is already converted.")
    return source


def _due(company: Company, created: date, term_name: str | None) -> date:
    term = company.by_id(objects.ARTERM, term_name) if term_name else None
    return created + timedelta(days=int(term.get("DUEDATE") or 0) if term else 0)


def _lines(company: Company, body: Element, source: Record | None) -> list[_Line]:
    source_lines = {
        int(r["RECORDNO"]): r
        for r in company.rows(objects.SODOCUMENTENTRY)
        if source is not None and r.get("DOCHDRNO") == source["RECORDNO"]
    }
    lines = []
    for node in body.findall("sotransitems/sotransitem"):
        itemid = _text(node, "itemid")
        item = company.by_id(objects.ITEM, itemid)
        if item is None:
            raise errors.invalid_reference(LABEL, "itemid", itemid, "Item")
        if item.get("STATUS") == "inactive":
            raise errors.rule(f"Item {itemid} is inactive.", "Activate the item.")
        source_key = _text(node, "sourcelinekey")
        source_line = source_lines.get(int(source_key)) if source_key.isdigit() else None
        if source_key and source_line is None:
            raise errors.invalid_reference(LABEL, "sourcelinekey", source_key, "source line")
        base = item.get("BASEPRICE")
        lines.append(
            _Line(
                itemid=itemid,
                itemdesc=_text(node, "itemdesc") or item.get("NAME"),
                quantity=_decimal(_text(node, "quantity"), "quantity"),
                unit=_text(node, "unit") or "Each",
                price=_decimal(_text(node, "price"), "price", base if base is not None else None),
                discount=_decimal(_text(node, "discountpercent"), "discountpercent", Decimal(0)),
                memo=_text(node, "memo") or None,
                source_line=source_line,
            )
        )
    return lines


def _post_ar(company: Company, header: Record, lines: list[_Line], user_key: int) -> Record:
    total = header["TOTAL"]
    invoice = company.insert(
        objects.ARINVOICE,
        {
            "RECORDID": header["DOCNO"],
            "DOCNUMBER": header["DOCID"],
            "CUSTOMERID": header["CUSTVENDID"],
            "CUSTOMERNAME": header["CUSTVENDNAME"],
            "STATE": "Posted",
            "WHENCREATED": header["WHENCREATED"],
            "WHENPOSTED": header["WHENCREATED"],
            "WHENDUE": header["WHENDUE"],
            "TERMNAME": header["TERM.NAME"],
            "DESCRIPTION": header.get("PONUMBER"),
            "CURRENCY": header["CURRENCY"],
            "BASECURR": "USD",
            "BILLTO.CONTACTNAME": header.get("BILLTO.CONTACTNAME"),
            "TOTALENTERED": total,
            "TOTALPAID": Decimal(0),
            "TOTALDUE": total,
            "TRX_TOTALENTERED": total,
            "TRX_TOTALDUE": total,
        },
        user_key,
    )
    for index, line in enumerate(lines):
        company.insert(
            objects.ARINVOICEITEM,
            {
                "RECORDKEY": invoice["RECORDNO"],
                "LINE_NO": index + 1,
                "ITEMID": line.itemid,
                "ENTRYDESCRIPTION": line.itemdesc,
                "AMOUNT": line.total,
                "TRX_AMOUNT": line.total,
            },
            user_key,
        )
    return invoice


def convert(company: Company, docid: str, to: str, on: date, user_key: int) -> str:
    """What the UI's Convert does: a ``to`` document from every line of ``docid``."""
    source = company.by_id(objects.SODOCUMENT, docid)
    if source is None:
        raise KeyError(docid)
    body = Element("create_sotransaction")
    _sub(body, "transactiontype", to)
    _date_element(body, "datecreated", on)
    _sub(body, "createdfrom", docid)
    _sub(body, "customerid", source.get("CUSTVENDID"))
    _sub(body, "referenceno", source.get("PONUMBER"))
    _sub(body, "termname", source.get("TERM.NAME"))
    _sub(body, "message", source.get("MESSAGE"))
    _sub(body, "currency", source.get("CURRENCY"))
    items = _sub(body, "sotransitems", None)
    for row in company.rows(objects.SODOCUMENTENTRY):
        if row.get("DOCHDRNO") != source["RECORDNO"]:
            continue
        item = _sub(items, "sotransitem", None)
        _sub(item, "itemid", row.get("ITEMID"))
        _sub(item, "itemdesc", row.get("ITEMDESC"))
        _sub(item, "quantity", row.get("QUANTITY"))
        _sub(item, "unit", row.get("UNIT"))
        _sub(item, "discountpercent", row.get("DISCOUNTPERCENT"))
        _sub(item, "price", row.get("PRICE"))
        _sub(item, "sourcelinekey", row.get("RECORDNO"))
        _sub(item, "memo", row.get("MEMO"))
    return create_sotransaction(company, body, user_key)


def _sub(parent: Element, tag: str, value: object) -> Element:
    node = Element(tag)
    if value is not None:
        node.text = format(value, "f") if isinstance(value, Decimal) else str(value)
    parent.append(node)
    return node


def _date_element(parent: Element, tag: str, value: date) -> None:
    node = _sub(parent, tag, None)
    _sub(node, "year", value.year)
    _sub(node, "month", f"{value.month:02d}")
    _sub(node, "day", f"{value.day:02d}")


def apply_payment(
    company: Company, invoice_key: int, amount: Decimal, on: date, method: str, user_key: int
) -> int:
    """A customer payment of ``amount`` received ``on`` and applied to one AR invoice, as a
    person records it in the UI: the ARPYMT and its ARPYMTDETAIL; the invoice's paid and
    due totals and state (Partially Paid, Paid), and the customer's TOTALDUE follow."""
    invoice = company.get(objects.ARINVOICE, invoice_key)
    if invoice is None:
        raise KeyError(invoice_key)
    due = invoice.get("TOTALDUE") or Decimal(0)
    if amount <= 0 or amount > due:
        raise ValueError(f"a payment must be more than 0 and at most the {due} due")
    payment = company.insert(
        objects.ARPYMT,
        {
            "RECORDTYPE": "rp",
            "DESCRIPTION": f"Payment of {invoice.get('DOCNUMBER') or invoice_key}",
            "CUSTOMERID": invoice.get("CUSTOMERID"),
            "CUSTOMERNAME": invoice.get("CUSTOMERNAME"),
            "STATE": "Complete",
            "PAYMENTMETHOD": method,
            "WHENCREATED": on,
            "WHENPAID": on,
            "CURRENCY": invoice.get("CURRENCY"),
            "BASECURR": invoice.get("BASECURR"),
            "TOTALENTERED": amount,
            "TRX_TOTALENTERED": amount,
            "TOTALPAID": amount,
            "TRX_TOTALPAID": amount,
        },
        user_key,
    )
    company.insert(
        objects.ARPYMTDETAIL,
        {
            "PAYMENTKEY": payment["RECORDNO"],
            "RECORDKEY": invoice_key,
            "PAYMENTAMOUNT": amount,
            "TRX_PAYMENTAMOUNT": amount,
        },
        user_key,
    )
    left = due - amount
    invoice["TOTALPAID"] = (invoice.get("TOTALPAID") or Decimal(0)) + amount
    invoice["TOTALDUE"] = left
    invoice["TRX_TOTALDUE"] = left
    invoice["STATE"] = "Paid" if left == 0 else "Partially Paid"
    if left == 0:
        invoice["WHENPAID"] = on
    company.touch(invoice, user_key)
    customer = company.by_id(objects.CUSTOMER, str(invoice.get("CUSTOMERID")))
    if customer is not None:
        customer["TOTALDUE"] = (customer.get("TOTALDUE") or Decimal(0)) - amount
        company.touch(customer, user_key)
    return int(payment["RECORDNO"])
