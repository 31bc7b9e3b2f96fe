"""The legacy sales functions beside the create: ``update_sotransaction`` and
``create_recursotransaction`` in their documented shapes, the UI's conversion to a
recurring schedule and the scheduler's runs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn, item_xml

ORDER = (
    "<create_sotransaction><transactiontype>Sales Order</transactiontype>"
    "<datecreated><year>2024</year><month>05</month><day>01</day></datecreated>"
    "<customerid>C-100</customerid><referenceno>REF-1</referenceno>"
    "<sotransitems><sotransitem><itemid>SUB-STD</itemid><quantity>2</quantity>"
    "<price>100</price></sotransitem></sotransitems></create_sotransaction>"
)


def _key(gw: XmlClient, body: str, controlid: str = "f1") -> tuple[str, str]:
    reply = gw.post(fn(controlid, body))
    assert reply.root is not None, reply.text
    return reply.result.status, reply.root.findtext("operation/result/key") or ""


def _setup(gw: XmlClient) -> str:
    assert gw.one(customer_xml()).status == "success"
    assert gw.one(item_xml()).status == "success"
    assert gw.one(item_xml("SUP", "Support")).status == "success"
    status, docid = _key(gw, ORDER)
    assert status == "success"
    return docid


def _lines(emu: IntacctEmulator, docid: str) -> list[tuple[str, Decimal, Decimal]]:
    header = emu.get("SODOCUMENT", docid)
    assert header is not None
    rows = [r for r in emu.records("SODOCUMENTENTRY") if r["DOCHDRNO"] == header["RECORDNO"]]
    return [
        (r["ITEMID"], r["QUANTITY"], r["TOTAL"]) for r in sorted(rows, key=lambda r: r["LINE_NO"])
    ]


def test_update_sotransaction_changes_a_line_by_number_and_adds_one(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given an open sales order with one line
    docid = _setup(gw)
    # When the documented update changes line 1 (counted from 1) and adds a line
    status, key = _key(
        gw,
        f'<update_sotransaction key="{docid}"><message>Changed</message><updatesotransitems>'
        '<updatesotransitem line_num="1"><quantity>3</quantity></updatesotransitem>'
        "<sotransitem><itemid>SUP</itemid><quantity>1</quantity><price>50</price>"
        "</sotransitem></updatesotransitems></update_sotransaction>",
    )
    # Then it answers the document's key, and the document holds both lines and the total
    assert (status, key) == ("success", docid)
    assert _lines(emu, docid) == [
        ("SUB-STD", Decimal(3), Decimal("300.00")),
        ("SUP", Decimal(1), Decimal("50.00")),
    ]
    header = emu.get("SODOCUMENT", docid)
    assert header is not None
    assert (header["TOTAL"], header["MESSAGE"]) == (Decimal("350.00"), "Changed")


def test_update_sotransaction_refuses_a_converted_document_and_a_missing_line(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given an order, converted to an invoice
    docid = _setup(gw)
    # When an update names a line the order does not have
    status, _ = _key(
        gw,
        f'<update_sotransaction key="{docid}"><updatesotransitems>'
        '<updatesotransitem line_num="2"><quantity>3</quantity></updatesotransitem>'
        "</updatesotransitems></update_sotransaction>",
    )
    # Then it fails and nothing changed
    assert status == "failure"
    assert _lines(emu, docid) == [("SUB-STD", Decimal(2), Decimal("200.00"))]
    # When the order is converted and then updated
    emu.convert(docid, "Sales Invoice", date(2024, 5, 2))
    reply = gw.post(
        fn(
            "f2",
            f'<update_sotransaction key="{docid}"><updatesotransitems>'
            '<updatesotransitem line_num="1"><quantity>3</quantity></updatesotransitem>'
            "</updatesotransitems></update_sotransaction>",
        )
    )
    # Then Intacct refuses it: a converted document cannot be updated
    assert reply.result.status == "failure"
    assert "Converted and cannot be updated" in reply.result.errors[0][1]


def test_updating_an_invoice_reposts_its_ar_invoice(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a Sales Invoice (posted to AR for 200)
    _setup(gw)
    status, docid = _key(gw, ORDER.replace("Sales Order", "Sales Invoice"), "f2")
    assert status == "success"
    before = emu.get("SODOCUMENT", docid)
    assert before is not None
    # When a line's quantity changes
    _key(
        gw,
        f'<update_sotransaction key="{docid}"><updatesotransitems>'
        '<updatesotransitem line_num="1"><quantity>5</quantity></updatesotransitem>'
        "</updatesotransitems></update_sotransaction>",
        "f3",
    )
    # Then the AR invoice is recreated for the new total and the customer owes that
    after = emu.get("SODOCUMENT", docid)
    assert after is not None
    assert after["PRRECORDKEY"] != before["PRRECORDKEY"]
    ar = emu.get("ARINVOICE", after["PRRECORDKEY"])
    assert ar is not None
    assert ar["TOTALDUE"] == Decimal("500.00")
    assert emu.get("ARINVOICE", before["PRRECORDKEY"]) is None
    customer = emu.get("CUSTOMER", "C-100")
    assert customer is not None
    assert customer["TOTALDUE"] == Decimal("500.00")


def test_create_recursotransaction_as_documented_and_its_schedule(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a customer and an item
    _setup(gw)
    # When a recurring Sales Invoice is created in the documented shape: weekly, twice
    status, key = _key(
        gw,
        "<create_recursotransaction><transactiontype>Sales Invoice</transactiontype>"
        "<customerid>C-100</customerid><referenceno>R-7</referenceno>"
        "<recursotransitems><recursotransitem><itemid>SUP</itemid><quantity>1</quantity>"
        "<price>12.99</price></recursotransitem></recursotransitems>"
        "<startdate><year>2024</year><month>05</month><day>10</day></startdate>"
        "<ending><occur>2</occur></ending><modenew>Weeks</modenew><interval>1</interval>"
        "</create_recursotransaction>",
        "r1",
    )
    # Then it answers the template's key, readable through query
    assert status == "success"
    assert key.isdigit()
    result = gw.one(
        "<query><object>SORECURDOCUMENT</object><select><field>RECORDNO</field>"
        "<field>TOTAL</field><field>NEXTEXECDATE</field><field>REPEATBY</field></select>"
        "</query>",
        "q1",
    )
    assert result.values("TOTAL") == ["12.99"]
    assert result.values("NEXTEXECDATE") == ["05/10/2024"]
    # When the scheduler runs up to a month later
    made = emu.run_recurring(date(2024, 6, 10))
    # Then two invoices were made a week apart, with the reference, and the schedule ended
    assert len(made) == 2
    docs = [emu.get("SODOCUMENT", d) for d in made]
    assert [(d or {}).get("WHENCREATED") for d in docs] == [date(2024, 5, 10), date(2024, 5, 17)]
    assert {(d or {}).get("PONUMBER") for d in docs} == {"R-7"}
    [template] = emu.records("SORECURDOCUMENT")
    assert (template["EXECCOUNT"], template["DOCSTATUS"], template["NEXTEXECDATE"]) == (
        2,
        "Ended",
        None,
    )
    assert emu.run_recurring(date(2024, 12, 31)) == []


def test_create_recursotransaction_needs_a_start_and_an_interval(gw: XmlClient) -> None:
    # Given a customer and an item
    _setup(gw)
    lines = (
        "<recursotransitems><recursotransitem><itemid>SUP</itemid><quantity>1</quantity>"
        "</recursotransitem></recursotransitems>"
    )
    head = "<transactiontype>Sales Invoice</transactiontype><customerid>C-100</customerid>"
    start = "<startdate><year>2024</year><month>05</month><day>10</day></startdate>"
    # When one has no start date, another repeats by months with no interval
    no_start, _ = _key(gw, f"<create_recursotransaction>{head}{lines}</create_recursotransaction>")
    no_interval, _ = _key(
        gw,
        f"<create_recursotransaction>{head}{lines}{start}<modenew>Months</modenew>"
        "</create_recursotransaction>",
        "f2",
    )
    # Then both fail
    assert (no_start, no_interval) == ("failure", "failure")


def test_convert_to_recurring_over_the_admin_api(
    gw: XmlClient, emu: IntacctEmulator, http: httpx.Client
) -> None:
    # Given an open sales order
    docid = _setup(gw)
    # When finance converts it to a monthly recurring invoice at month ends, then runs it
    answer = http.post(
        "/__admin__/convert-recurring",
        json={"docid": docid, "to": "Sales Invoice", "start": "2024-01-31", "occurrences": 3},
    )
    run = http.post("/__admin__/recurring-run", json={"as_of": "2024-12-31"})
    # Then the order is converted and three invoices came, the month's last day kept
    assert answer.status_code == 200, answer.text
    assert run.status_code == 200, run.text
    header = emu.get("SODOCUMENT", docid)
    assert header is not None
    assert header["STATE"] == "Converted"
    days = [(emu.get("SODOCUMENT", d) or {})["WHENCREATED"] for d in run.json()["documents"]]
    assert days == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    # And converting it again, or an unknown document, is refused
    again = http.post("/__admin__/convert-recurring", json={"docid": docid, "start": "2024-01-31"})
    missing = http.post(
        "/__admin__/convert-recurring", json={"docid": "Sales Order-NOPE", "start": "2024-01-31"}
    )
    assert (again.status_code, missing.status_code) == (400, 404)
