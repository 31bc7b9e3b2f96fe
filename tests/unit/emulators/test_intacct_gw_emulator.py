"""The Intacct emulator through the XML gateway, as an API client would see it."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from defusedxml.ElementTree import fromstring

from sandbox.emulators.intacct_gw import IntacctEmulator


def envelope(
    functions: str,
    *,
    auth: str | None = None,
    sender_pw: str = "spw",
    unique: bool = False,
    transaction: bool = False,
) -> bytes:
    auth = (
        auth or "<login><userid>u</userid><companyid>co</companyid><password>pw</password></login>"
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><request><control><senderid>s</senderid>"
        f"<password>{sender_pw}</password><controlid>c1</controlid>"
        f"<uniqueid>{'true' if unique else 'false'}</uniqueid>"
        "<dtdversion>3.0</dtdversion></control>"
        f"<operation transaction='{'true' if transaction else 'false'}'><authentication>{auth}"
        f"</authentication><content>{functions}</content></operation></request>"
    ).encode()


@pytest.fixture
def emu() -> IntacctEmulator:
    e = IntacctEmulator()
    e.add_sender("s", "spw")
    e.add_company("co")
    e.add_user("co", "u", "pw")
    return e


@pytest.fixture
def post(emu):
    client = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app))

    def send(body: bytes):
        return fromstring(client.post(emu.endpoint_url, content=body).content)

    return send


CREATE = (
    "<function controlid='f1'><create><CUSTOMER><CUSTOMERID>C1</CUSTOMERID><NAME>Acme</NAME>"
    "<DISPLAYCONTACT><PHONE1>555</PHONE1></DISPLAYCONTACT></CUSTOMER></create></function>"
)


def test_each_failure_level_stops_what_it_should(post, emu):
    control = post(envelope(CREATE, sender_pw="bad"))
    assert control.findtext("control/status") == "failure"
    assert control.findtext("errormessage/error/errorno") == "XL03000006"
    auth = post(envelope(CREATE, auth="<sessionid>nope</sessionid>"))
    assert auth.findtext("operation/authentication/status") == "failure"
    assert auth.find("operation/result") is None
    both = post(envelope(CREATE + CREATE.replace("f1", "f2")))
    statuses = [r.findtext("status") for r in both.findall("operation/result")]
    assert statuses == ["success", "failure"]  # the duplicate id fails alone
    assert "already exists" in both.findall("operation/result")[1].findtext(
        "errormessage/error/description2"
    )
    assert len(emu.records("CUSTOMER")) == 1


def test_sessions_from_getapisession_work_until_they_expire(post, emu):
    answer = post(envelope("<function controlid='s'><getAPISession/></function>"))
    session = answer.findtext("operation/result/data/api/sessionid")
    assert answer.findtext("operation/result/data/api/endpoint") == emu.endpoint_url
    ok = post(envelope(CREATE, auth=f"<sessionid>{session}</sessionid>"))
    assert ok.findtext("operation/result/status") == "success"
    emu.session_timeout_s = -1
    answer = post(envelope("<function controlid='s'><getAPISession/></function>"))
    expired = answer.findtext("operation/result/data/api/sessionid")
    late = post(envelope(CREATE, auth=f"<sessionid>{expired}</sessionid>"))
    assert late.findtext("operation/authentication/status") == "failure"


def test_uniqueid_never_runs_a_controlid_twice(post, emu):
    first = post(envelope(CREATE, unique=True))
    again = post(envelope(CREATE, unique=True))
    assert first.findtext("operation/result/status") == "success"
    assert again.findtext("operation/result/errormessage/error/errorno") == "XL03000003"
    assert len(emu.records("CUSTOMER")) == 1


def test_a_failed_transaction_rolls_everything_back(post, emu):
    bad = (
        "<function controlid='f9'><create><CONTACT><CONTACTNAME>x</CONTACTNAME></CONTACT>"
        "</create></function>"
    )
    answer = post(envelope(CREATE + bad, transaction=True))
    assert [r.findtext("status") for r in answer.findall("operation/result")] == [
        "aborted",
        "failure",
    ]
    assert emu.records("CUSTOMER") == []


def test_query_filters_orders_and_pages(post, emu):
    for i in range(5):
        emu.seed("CUSTOMER", {"CUSTOMERID": f"C{i}", "NAME": f"N{i}"})
    query = (
        "<function controlid='q'><query><object>CUSTOMER</object><select><field>CUSTOMERID"
        "</field><field>WHENMODIFIED</field></select><filter><greaterthanorequalto><field>"
        "CUSTOMERID</field><value>C1</value></greaterthanorequalto></filter><orderby><order>"
        "<field>CUSTOMERID</field><descending/></order></orderby><pagesize>2</pagesize>"
        "<offset>0</offset></query></function>"
    )
    data = post(envelope(query)).find("operation/result/data")
    assert (data.get("totalcount"), data.get("numremaining")) == ("4", "2")
    assert [r.findtext("CUSTOMERID") for r in data] == ["C4", "C3"]


def test_readbyquery_and_readmore_page_with_a_result_id(post, emu):
    for i in range(3):
        emu.seed("CUSTOMER", {"CUSTOMERID": f"C{i}", "NAME": f"N{i}"})
    first = post(
        envelope(
            "<function controlid='r'><readByQuery><object>CUSTOMER</object>"
            "<fields>*</fields><query>NAME LIKE 'N%'</query><pagesize>2</pagesize>"
            "</readByQuery></function>"
        )
    ).find("operation/result/data")
    assert first.get("numremaining") == "1"
    more = post(
        envelope(
            f"<function controlid='m'><readMore><resultId>{first.get('resultId')}"
            "</resultId></readMore></function>"
        )
    ).find("operation/result/data")
    assert [r.findtext("CUSTOMERID") for r in [*first, *more]] == ["C0", "C1", "C2"]


def test_contracts_use_the_sequence_and_billing_makes_invoices(post, emu):
    emu.seed("CUSTOMER", {"CUSTOMERID": "C1", "NAME": "Acme"})
    emu.seed("ITEM", {"ITEMID": "SUB", "NAME": "Subscription"})
    answer = post(
        envelope(
            "<function controlid='k'><create><CONTRACT><NAME>Deal</NAME>"
            "<CUSTOMERID>C1</CUSTOMERID><BEGINDATE>01/01/2026</BEGINDATE>"
            "<ENDDATE>12/31/2026</ENDDATE><BILLINGFREQUENCY>Quarterly"
            "</BILLINGFREQUENCY></CONTRACT></create></function>"
        )
    )
    contract_id = answer.findtext("operation/result/data/contract/CONTRACTID")
    assert contract_id == "CON-0001"
    line = post(
        envelope(
            "<function controlid='l'><create><CONTRACTDETAIL><CONTRACTID>CON-0001"
            "</CONTRACTID><ITEMID>SUB</ITEMID><BEGINDATE>01/01/2026</BEGINDATE>"
            "<BILLINGMETHOD>Fixed price</BILLINGMETHOD><FLATAMOUNT>900.00</FLATAMOUNT>"
            "</CONTRACTDETAIL></create></function>"
        )
    )
    assert line.findtext("operation/result/status") == "success"
    assert emu.run_billing(date(2026, 4, 1)) == ["INV-00001", "INV-00002"]
    assert emu.run_billing(date(2026, 4, 1)) == []  # nothing billed twice
    assert [str(i["TOTALENTERED"]) for i in emu.records("ARINVOICE")] == ["900.00", "900.00"]
    unknown = post(
        envelope(
            "<function controlid='x'><create><CONTRACTDETAIL><CONTRACTID>CON-0001"
            "</CONTRACTID><ITEMID>NOPE</ITEMID><BEGINDATE>01/01/2026</BEGINDATE>"
            "<BILLINGMETHOD>Fixed price</BILLINGMETHOD><FLATAMOUNT>1</FLATAMOUNT>"
            "</CONTRACTDETAIL></create></function>"
        )
    )
    assert "item NOPE does not exist" in unknown.findtext(
        "operation/result/errormessage/error/description2"
    )


def test_entities_in_requests_are_refused_at_control_level(post):
    evil = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><request>&x;</request>'
    answer = post(evil)
    assert answer.findtext("control/status") == "failure"
