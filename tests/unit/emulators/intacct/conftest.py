"""A running IntacctEmulator, mounted in-process, and a small XML client for the tests.

The client writes requests the way the Intacct SDKs do (control block, login or
session, one ``<function controlid=…>`` per call) and reads responses with defusedxml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from defusedxml.ElementTree import fromstring

from sandbox.emulators.intacct import IntacctEmulator

SENDER, SENDER_PASSWORD = "ledgerlink_sender", "s3nder!"
COMPANY, USER, USER_PASSWORD = "ACME-DEMO", "ws_user", "us3r!"
START = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
EVENTS = Path(__file__).parents[4] / "tests" / "events" / "intacct"


@dataclass
class Result:
    status: str
    function: str
    controlid: str
    data: Element | None
    errors: list[tuple[str, str]]  # (errorno, description2)

    @property
    def errornos(self) -> list[str]:
        return [no for no, _ in self.errors]

    def records(self) -> list[Element]:
        return list(self.data) if self.data is not None else []

    def values(self, tag: str) -> list[str]:
        return [(r.findtext(tag) or "") for r in self.records()]


@dataclass
class Reply:
    status_code: int
    text: str
    root: Element | None = None
    results: list[Result] = field(default_factory=list)

    @property
    def control_status(self) -> str:
        return self.root.findtext("control/status") or "" if self.root is not None else ""

    @property
    def auth_status(self) -> str:
        if self.root is None:
            return ""
        return self.root.findtext("operation/authentication/status") or ""

    def errors_at(self, path: str) -> list[tuple[str, str]]:
        assert self.root is not None
        return [
            (e.findtext("errorno") or "", e.findtext("description2") or "")
            for e in self.root.findall(f"{path}/errormessage/error")
        ]

    @property
    def result(self) -> Result:
        assert len(self.results) == 1, self.text
        return self.results[0]


def parse(response: httpx.Response) -> Reply:
    reply = Reply(response.status_code, response.text)
    if not response.content or not response.text.lstrip().startswith("<?xml"):
        return reply
    reply.root = fromstring(response.content)
    for node in reply.root.findall("operation/result"):
        reply.results.append(
            Result(
                status=node.findtext("status") or "",
                function=node.findtext("function") or "",
                controlid=node.findtext("controlid") or "",
                data=node.find("data"),
                errors=[
                    (e.findtext("errorno") or "", e.findtext("description2") or "")
                    for e in node.findall("errormessage/error")
                ],
            )
        )
    return reply


def fn(controlid: str, body: str) -> str:
    return f'<function controlid="{controlid}">{body}</function>'


class XmlClient:
    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.sender = (SENDER, SENDER_PASSWORD)
        self.login = (USER, COMPANY, USER_PASSWORD)
        self._count = 0

    def envelope(
        self,
        *functions: str,
        session: str | None = None,
        unique: bool = False,
        transaction: bool = False,
        dtd: str = "3.0",
    ) -> str:
        self._count += 1
        if session is not None:
            auth = f"<sessionid>{session}</sessionid>"
        else:
            user, company, password = self.login
            auth = (
                f"<login><userid>{user}</userid><companyid>{company}</companyid>"
                f"<password>{password}</password></login>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><request><control>'
            f"<senderid>{self.sender[0]}</senderid><password>{self.sender[1]}</password>"
            f"<controlid>request-{self._count}</controlid>"
            f"<uniqueid>{'true' if unique else 'false'}</uniqueid>"
            f"<dtdversion>{dtd}</dtdversion><includewhitespace>false</includewhitespace>"
            f'</control><operation transaction="{"true" if transaction else "false"}">'
            f"<authentication>{auth}</authentication><content>{''.join(functions)}</content>"
            "</operation></request>"
        )

    def raw(self, body: str | bytes) -> Reply:
        return parse(self.http.post("/ia/xml/xmlgw.phtml", content=body))

    def post(self, *functions: str, **options: object) -> Reply:
        return self.raw(self.envelope(*functions, **options))  # type: ignore[arg-type]

    def one(self, body: str, controlid: str = "f1", **options: object) -> Result:
        reply = self.post(fn(controlid, body), **options)
        assert reply.control_status == "success", reply.text
        assert reply.auth_status == "success", reply.text
        return reply.result

    def session(self) -> str:
        result = self.one("<getAPISession/>", "session")
        assert result.data is not None
        return result.data.findtext("api/sessionid") or ""


@pytest.fixture
def emu() -> IntacctEmulator:
    emulator = IntacctEmulator(base_url="http://intacct.test", clock=lambda: START)
    emulator.add_sender(SENDER, SENDER_PASSWORD)
    emulator.add_company(COMPANY)
    emulator.add_user(COMPANY, USER, USER_PASSWORD)
    return emulator


@pytest.fixture
def http(emu: IntacctEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://intacct.test"
    ) as client:
        yield client


@pytest.fixture
def gw(http: httpx.Client) -> XmlClient:
    return XmlClient(http)


def customer_xml(customer_id: str = "C-100", name: str = "Globex", extra: str = "") -> str:
    return (
        f"<create><CUSTOMER><CUSTOMERID>{customer_id}</CUSTOMERID><NAME>{name}</NAME>"
        f"{extra}</CUSTOMER></create>"
    )


def item_xml(item_id: str = "SUB-STD", name: str = "Standard subscription") -> str:
    return (
        f"<create><ITEM><ITEMID>{item_id}</ITEMID><NAME>{name}</NAME>"
        "<ITEMTYPE>Non-Inventory</ITEMTYPE><BASEPRICE>100.00</BASEPRICE></ITEM></create>"
    )


def contract_xml(
    contract_id: str | None = "CON-1",
    customer_id: str = "C-100",
    begin: str = "01/01/2024",
    end: str = "12/31/2024",
    extra: str = "",
) -> str:
    ident = f"<CONTRACTID>{contract_id}</CONTRACTID>" if contract_id else ""
    return (
        f"<create><CONTRACT>{ident}<CUSTOMERID>{customer_id}</CUSTOMERID>"
        f"<NAME>Globex subscription</NAME><BEGINDATE>{begin}</BEGINDATE>"
        f"<ENDDATE>{end}</ENDDATE><BILLINGFREQUENCY>Monthly</BILLINGFREQUENCY>"
        f"<TERMNAME>Net 30</TERMNAME><CURRENCY>USD</CURRENCY>{extra}</CONTRACT></create>"
    )


def line_xml(
    contract_id: str = "CON-1",
    item_id: str = "SUB-STD",
    begin: str = "01/01/2024",
    end: str = "12/31/2024",
    extra: str = "<FLATAMOUNT>100.00</FLATAMOUNT>",
) -> str:
    return (
        f"<create><CONTRACTDETAIL><CONTRACTID>{contract_id}</CONTRACTID>"
        f"<ITEMID>{item_id}</ITEMID><BEGINDATE>{begin}</BEGINDATE><ENDDATE>{end}</ENDDATE>"
        f"{extra}</CONTRACTDETAIL></create>"
    )
