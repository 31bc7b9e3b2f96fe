"""The example requests in tests/events/intacct, replayed against the stored responses.

The examples document the wire format for connector authors: a session, a customer
create (and its retry refused by uniqueid), a WHENMODIFIED readByQuery poll, a contract
transaction that rolls back, and the contract-invoice poll after a billing run. Session
IDs are written as ``SESSIONID``. Run with ``INTACCT_WRITE_EXAMPLES=1`` to rewrite the
response files after an intended change.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import httpx

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import (
    EVENTS,
    XmlClient,
    contract_xml,
    item_xml,
    line_xml,
)

WRITE = os.environ.get("INTACCT_WRITE_EXAMPLES") == "1"


def replay(http: httpx.Client, name: str, session: str) -> str:
    body = (EVENTS / f"{name}_request.xml").read_text().replace("SESSIONID", session)
    return http.post("/ia/xml/xmlgw.phtml", content=body).text.replace(session, "SESSIONID")


def check(actual: str, example: str) -> None:
    path = EVENTS / f"{example}_response.xml"
    if WRITE:
        path.write_text(actual)
    assert actual == path.read_text()


def test_examples_replay_to_the_stored_responses(
    http: httpx.Client, gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a company with contract sequencing and the example requests
    emu.set_sequence("CONTRACT", "CON-", 1)
    # When the session example runs
    session_text = http.post(
        "/ia/xml/xmlgw.phtml", content=(EVENTS / "getAPISession_request.xml").read_bytes()
    ).text
    session = session_text.split("<sessionid>")[1].split("</sessionid>")[0]
    # Then each example answers exactly as stored
    check(session_text.replace(session, "SESSIONID"), "getAPISession")
    check(replay(http, "create_customer", session), "create_customer")
    check(replay(http, "create_customer", session), "duplicate_controlid")
    emu.advance_clock(timedelta(seconds=60))
    check(replay(http, "readByQuery_customer", session), "readByQuery_customer")
    gw.one(item_xml("SUB-STD"), "item")
    check(replay(http, "transaction", session), "transaction")
    gw.one(contract_xml(contract_id=None, customer_id="C-100"), "contract")
    gw.one(line_xml(contract_id="CON-0001"), "line")
    emu.advance_clock(timedelta(seconds=60))
    emu.run_billing(date(2024, 2, 15))
    check(replay(http, "query_contract_invoices", session), "query_contract_invoices")
