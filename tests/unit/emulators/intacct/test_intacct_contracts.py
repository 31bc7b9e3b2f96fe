"""Contracts, contract lines, their rules, and contract billing producing invoices."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import (
    EVENTS,
    XmlClient,
    contract_xml,
    customer_xml,
    item_xml,
    line_xml,
)


@pytest.fixture
def basics(gw: XmlClient) -> None:
    """Customer C-100 and two items."""
    gw.one(customer_xml("C-100"), "customer")
    gw.one(item_xml("SUB-STD"), "item-1")
    gw.one(item_xml("SEATS", name="Seats"), "item-2")


@pytest.mark.usefixtures("basics")
def test_contract_id_from_sequence_and_defaults(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given contract document sequencing CON-0001
    emu.set_sequence("CONTRACT", "CON-", 1)
    # When a contract is created without CONTRACTID
    result = gw.one(contract_xml(contract_id=None))
    # Then it gets CON-0001 and the customer's defaults
    assert result.values("CONTRACTID") == ["CON-0001"]
    contract = emu.get("CONTRACT", "CON-0001")
    assert contract is not None
    assert contract["STATE"] == "In progress"
    assert contract["CUSTOMERNAME"] == "Globex"
    assert contract["BILLTOCONTACTNAME"] == "Globex(CC-100)"
    assert contract["BEGINDATE"] == date(2024, 1, 1)


@pytest.mark.usefixtures("basics")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (contract_xml(customer_id="C-404"), "Invalid Customer 'C-404'"),
        (
            contract_xml(extra="<RENEWALMACRO>Nope</RENEWALMACRO>"),
            "Invalid Renewal Template 'Nope'",
        ),
        (contract_xml(begin="06/01/2024", end="01/01/2024"), "is before its start date"),
        (contract_xml(contract_id=None), "Required field CONTRACTID is missing"),
        (contract_xml().replace("<ENDDATE>12/31/2024</ENDDATE>", ""), "Required field ENDDATE"),
        (contract_xml().replace("<TERMNAME>Net 30</TERMNAME>", ""), "Required field TERMNAME"),
        (
            contract_xml().replace("Net 30", "Net 999"),
            "Invalid AR Term 'Net 999'",
        ),
    ],
)
def test_contract_rules(gw: XmlClient, body: str, message: str) -> None:
    # Given a contract that breaks one rule
    # When it is created
    result = gw.one(body)
    # Then the create fails with that rule's message
    assert result.status == "failure"
    assert result.errornos[0] == "BL01001973"
    assert message in result.errors[0][1]


@pytest.mark.usefixtures("basics")
def test_contract_lines_number_and_inherit(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a monthly contract
    gw.one(contract_xml())
    # When two lines are added, one priced by quantity x price
    gw.one(line_xml())
    gw.one(line_xml(item_id="SEATS", extra="<QUANTITY>3</QUANTITY><PRICE>12.50</PRICE>"))
    # Then they are numbered per contract, inherit the frequency, and the flat amount is derived
    first, second = emu.records("CONTRACTDETAIL")
    assert (first["LINENO"], second["LINENO"]) == (1, 2)
    assert second["BILLINGFREQUENCY"] == "Monthly"
    assert second["FLATAMOUNT"] == Decimal("37.50")
    assert second["ITEMNAME"] == "Seats"
    assert first["CONTRACTKEY"] == emu.get("CONTRACT", "CON-1")["RECORDNO"]  # type: ignore[index]


@pytest.mark.usefixtures("basics")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (line_xml(contract_id="CON-404"), "Invalid Contract 'CON-404'"),
        (line_xml(item_id="NOPE"), "Invalid Item 'NOPE'"),
        (line_xml(begin="12/01/2023"), "is before the contract start date 01/01/2024"),
        (line_xml(end="01/31/2025"), "is after the contract end date 12/31/2024"),
        (line_xml(extra=""), "Required field FLATAMOUNT"),
        (
            line_xml(
                extra="<FLATAMOUNT>1</FLATAMOUNT><BILLINGTEMPLATENAME>Nope</BILLINGTEMPLATENAME>"
            ),
            "Invalid Contract Billing Template 'Nope'",
        ),
        (line_xml(extra="<BILLINGMETHOD>Barter</BILLINGMETHOD>"), "Fixed price, Quantity based"),
    ],
)
def test_contract_line_rules(gw: XmlClient, body: str, message: str) -> None:
    # Given a contract for 2024
    gw.one(contract_xml())
    # When a line that breaks a rule is added
    result = gw.one(body)
    # Then the create fails with that rule's message
    assert result.status == "failure"
    assert message in result.errors[0][1]


@pytest.mark.usefixtures("basics")
def test_contract_dates_cannot_shrink_below_lines(gw: XmlClient) -> None:
    # Given a contract with a line to December
    gw.one(contract_xml())
    gw.one(line_xml())
    # When the contract end moves to June
    result = gw.one(
        "<update><CONTRACT><CONTRACTID>CON-1</CONTRACTID><ENDDATE>06/30/2024</ENDDATE></CONTRACT></update>"
    )
    # Then the update is refused
    assert result.status == "failure"
    assert "is after the contract end date 06/30/2024" in result.errors[0][1]


@pytest.mark.usefixtures("basics")
def test_records_in_use_cannot_be_deleted(gw: XmlClient) -> None:
    # Given a contract with a line
    gw.one(contract_xml())
    gw.one(line_xml())
    # When the contract, its customer and the item are deleted
    contract = gw.one("<delete><object>CONTRACT</object><keys>1</keys></delete>")
    customer = gw.one("<delete><object>CUSTOMER</object><keys>1</keys></delete>")
    item = gw.one("<delete><object>ITEM</object><keys>1</keys></delete>")
    # Then all three are refused
    assert [r.status for r in (contract, customer, item)] == ["failure"] * 3
    assert "has contract lines" in contract.errors[0][1]


@pytest.mark.usefixtures("basics")
def test_billing_run_creates_contract_invoices(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a 2024 monthly contract with a 100/month line and a 3 x 12.50 quantity line
    gw.one(contract_xml())
    gw.one(line_xml())
    gw.one(
        line_xml(
            item_id="SEATS",
            extra="<BILLINGMETHOD>Quantity based</BILLINGMETHOD>"
            "<QUANTITY>3</QUANTITY><PRICE>12.50</PRICE>",
        )
    )
    # When billing runs as of February 15th
    emu.advance_clock(timedelta(seconds=3600))
    invoices = emu.run_billing(date(2024, 2, 15))
    # Then January and February are invoiced, one invoice per contract and date
    assert len(invoices) == 2
    january = emu.get("SODOCUMENT", invoices[0])
    assert january is not None
    assert january["DOCPARID"] == "Contract Invoice"
    assert january["DOCID"] == "Contract Invoice-CINV-0001"
    assert january["CONTRACTID"] == "CON-1"
    assert january["CUSTVENDID"] == "C-100"
    assert january["WHENCREATED"] == date(2024, 1, 1)
    assert january["WHENDUE"] == date(2024, 1, 31)
    assert january["TOTAL"] == Decimal("137.50")
    assert january["WHENMODIFIED"] == emu.now()
    lines = [r for r in emu.records("SODOCUMENTENTRY") if r["DOCHDRNO"] == january["RECORDNO"]]
    assert [(r["LINE_NO"], r["ITEMID"], r["TOTAL"]) for r in lines] == [
        (0, "SUB-STD", Decimal("100.00")),
        (1, "SEATS", Decimal("37.50")),
    ]
    assert lines[0]["REVRECENDDATE"] == date(2024, 1, 31)
    ar = emu.get("ARINVOICE", str(january["PRRECORDKEY"]))
    assert ar is not None
    assert (ar["RECORDID"], ar["STATE"], ar["TOTALDUE"]) == (
        "CINV-0001",
        "Posted",
        Decimal("137.50"),
    )
    customer = emu.get("CUSTOMER", "C-100")
    assert customer is not None
    assert customer["TOTALDUE"] == Decimal("275.00")


@pytest.mark.usefixtures("basics")
def test_billing_is_idempotent_and_continues(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a quarterly line billed through February
    gw.one(contract_xml())
    gw.one(
        line_xml(
            extra="<FLATAMOUNT>300</FLATAMOUNT>"
            "<BILLINGOPTIONS>Include with every invoice</BILLINGOPTIONS>"
            "<BILLINGFREQUENCY>Quarterly</BILLINGFREQUENCY>"
        )
    )
    assert len(emu.run_billing(date(2024, 2, 15))) == 1
    # When billing runs again for the same date, then through the year end
    again = emu.run_billing(date(2024, 2, 15))
    rest = emu.run_billing(date(2024, 12, 31))
    # Then nothing is billed twice and the other three quarters follow
    assert again == []
    dates = sorted(r["WHENCREATED"] for r in emu.records("SODOCUMENT"))
    assert dates == [date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1)]
    assert len(rest) == 3


@pytest.mark.usefixtures("basics")
def test_one_time_and_template_billing(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a one-time setup fee and a 40-30-20-10 template line of 1000
    gw.one(contract_xml())
    gw.one(line_xml(extra="<FLATAMOUNT>250</FLATAMOUNT><BILLINGOPTIONS>One-time</BILLINGOPTIONS>"))
    gw.one(
        line_xml(
            item_id="SEATS",
            extra="<FLATAMOUNT>1000</FLATAMOUNT>"
            "<BILLINGOPTIONS>Use billing template</BILLINGOPTIONS>"
            "<BILLINGTEMPLATENAME>40-30-20-10</BILLINGTEMPLATENAME>",
        )
    )
    # When billing runs through the year
    emu.run_billing(date(2024, 12, 31))
    # Then the fee is billed once and the template in four parts
    totals = [(r["WHENCREATED"], r["TOTAL"]) for r in emu.records("SODOCUMENT")]
    assert totals == [
        (date(2024, 1, 1), Decimal("650.00")),
        (date(2024, 4, 1), Decimal("300.00")),
        (date(2024, 7, 1), Decimal("200.00")),
        (date(2024, 10, 1), Decimal("100.00")),
    ]


@pytest.mark.usefixtures("basics")
def test_draft_contracts_are_not_billed(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a draft contract with a line
    gw.one(contract_xml(extra="<STATE>Draft</STATE>"))
    gw.one(line_xml())
    # When billing runs
    # Then nothing is invoiced
    assert emu.run_billing(date(2024, 6, 1)) == []


@pytest.mark.usefixtures("basics")
def test_client_lists_a_contracts_invoices_changed_since(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given contract CON-0001 billed for January and February at 12:10
    emu.set_sequence("CONTRACT", "CON-", 1)
    gw.one(contract_xml(contract_id=None))
    gw.one(line_xml(contract_id="CON-0001"))
    emu.advance_clock(timedelta(seconds=600))
    emu.run_billing(date(2024, 2, 15))
    # When the documented invoice query runs (the example request in tests/events/intacct)
    body = (EVENTS / "query_contract_invoices_request.xml").read_text()
    reply = gw.raw(body.replace("SESSIONID", gw.session()))
    # Then both invoices come back with their AR link and WHENMODIFIED
    result = reply.result
    assert result.status == "success", result.errors
    assert result.values("DOCID") == ["Contract Invoice-CINV-0001", "Contract Invoice-CINV-0002"]
    assert result.values("WHENCREATED") == ["01/01/2024", "02/01/2024"]
    assert result.values("WHENMODIFIED") == ["05/01/2024 12:10:00"] * 2
    assert result.values("TOTAL") == ["100", "100"]
    ar_keys = result.values("PRRECORDKEY")
    ar = gw.one(
        "<query><object>ARINVOICE</object><select><field>RECORDNO</field><field>TOTALDUE</field>"
        "<field>WHENDUE</field></select><filter><in><field>RECORDNO</field>"
        + "".join(f"<value>{k}</value>" for k in ar_keys)
        + "</in></filter></query>",
        "ar",
    )
    assert ar.values("WHENDUE") == ["01/31/2024", "03/02/2024"]
    # And a poll from after the run finds nothing new
    later = body.replace("05/01/2024 00:00:00", "05/01/2024 12:10:01").replace(
        "SESSIONID", gw.session()
    )
    assert gw.raw(later).result.values("DOCID") == []


@pytest.mark.usefixtures("basics")
def test_invoice_lines_link_back_to_contract_lines(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a contract with one monthly line billed for January
    gw.one(contract_xml())
    gw.one(line_xml(extra="<FLATAMOUNT>100</FLATAMOUNT><MEMO>Salesforce line 00k1</MEMO>"))
    emu.run_billing(date(2024, 1, 31))
    # When the invoice lines and AR lines are read by contract
    lines = gw.one(
        "<readByQuery><object>SODOCUMENTENTRY</object><docparid>Contract Invoice</docparid>"
        "<fields>DOCHDRID,CONTRACTID,CONTRACTDETAILKEY,MEMO,REVRECSTARTDATE</fields>"
        "<query>CONTRACTID = 'CON-1'</query></readByQuery>"
    )
    ar_lines = gw.one(
        "<query><object>ARINVOICEITEM</object><select><field>RECORDKEY</field>"
        "<field>AMOUNT</field><field>CONTRACTDETAILKEY</field></select></query>",
        "ar",
    )
    # Then both point at the contract line's RECORDNO
    line_key = str(emu.records("CONTRACTDETAIL")[0]["RECORDNO"])
    assert lines.values("DOCHDRID") == ["Contract Invoice-CINV-0001"]
    assert lines.values("CONTRACTDETAILKEY") == [line_key]
    assert lines.values("MEMO") == ["Salesforce line 00k1"]
    assert lines.values("REVRECSTARTDATE") == ["01/01/2024"]
    assert ar_lines.values("CONTRACTDETAILKEY") == [line_key]
    assert ar_lines.values("AMOUNT") == ["100"]


def test_invoice_objects_are_read_only(gw: XmlClient) -> None:
    # Given the invoice objects billing produces
    # When a client tries to create one directly
    result = gw.one("<create><ARINVOICE><CUSTOMERID>C-1</CUSTOMERID></ARINVOICE></create>")
    # Then the gateway refuses
    assert result.status == "failure"
    assert "not supported" in result.errors[0][1]
