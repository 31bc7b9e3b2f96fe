"""Injected faults, each rendered the way the real gateway would show it."""

from __future__ import annotations

import time

from defusedxml.ElementTree import fromstring

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn

QUERY = "<query><object>CUSTOMER</object><select><field>CUSTOMERID</field></select></query>"


def test_latency_delays_but_answers(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a 50 ms latency on customer queries
    emu.faults.add(FaultRule(match="query CUSTOMER", kind="latency", latency_s=0.05))
    # When a query runs
    started = time.monotonic()
    result = gw.one(QUERY)
    # Then it answers normally, late
    assert time.monotonic() - started >= 0.05
    assert result.status == "success"


def test_http_error_runs_nothing(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a 502 on the next customer create
    emu.faults.add(FaultRule(match="create CUSTOMER", kind="http_error", status=502))
    # When a create is posted
    reply = gw.post(fn("f1", customer_xml()))
    # Then the gateway answers 502 with an HTML page and nothing was created
    assert reply.status_code == 502
    assert reply.text.startswith("<html>")
    assert emu.records("CUSTOMER") == []
    assert emu.calls.all() == []
    # And the fault is used up
    assert gw.post(fn("f1", customer_xml())).result.status == "success"


def test_rate_limit_answers_429_with_gw_0010(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given throttling on any function
    emu.faults.add(FaultRule(match="*", kind="rate_limit"))
    # When a request is posted
    response = gw.http.post("/ia/xml/xmlgw.phtml", content=gw.envelope(fn("f1", customer_xml())))
    # Then HTTP 429 carries the gateway error GW-0010 and nothing ran
    assert response.status_code == 429
    root = fromstring(response.content)
    assert root.findtext("control/status") == "failure"
    assert root.findtext("errormessage/error/errorno") == "GW-0010"
    assert emu.records("CUSTOMER") == []


def test_lose_response_runs_then_answers_504(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given the response to the next getAPISession gets lost
    emu.faults.add(FaultRule(match="getAPISession", kind="lose_response"))
    # When a request with getAPISession and a create is posted
    reply = gw.post(fn("s", "<getAPISession/>"), fn("c", customer_xml()))
    # Then the client sees a 504 with an empty body, but the functions ran
    assert (reply.status_code, reply.text) == (504, "")
    assert emu.get("CUSTOMER", "C-100") is not None
    assert [c.op for c in emu.calls.all()] == ["getAPISession", "create"]


def test_expire_session_gives_the_invalid_session_failure(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a session and a fault that expires it on the next customer create
    session = gw.session()
    emu.faults.add(FaultRule(match="create CUSTOMER", kind="expire_session"))
    # When the create is sent with the session
    reply = gw.post(fn("c", customer_xml()), session=session)
    # Then authentication fails as for a timed-out session, and the session stays dead
    assert reply.auth_status == "failure"
    assert reply.errors_at("operation")[0][0] == "XL03000006"
    assert emu.records("CUSTOMER") == []
    assert gw.post(fn("s", "<getAPISession/>"), session=session).auth_status == "failure"
    # And signing in again gets a working session
    fresh = gw.session()
    assert gw.post(fn("c", customer_xml()), session=fresh).result.status == "success"


def test_fault_times_and_matching(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given two 503s on customer queries only
    emu.faults.add(FaultRule(match="query CUSTOMER", kind="http_error", times=2))
    # When other functions and three queries run
    other = gw.post(fn("c", customer_xml()))
    statuses = [gw.post(fn("q", QUERY)).status_code for _ in range(3)]
    # Then only the first two queries hit the fault
    assert other.status_code == 200
    assert statuses == [503, 503, 200]


def test_rate_limit_sends_retry_after_only_when_the_rule_asks(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given two throttled requests, the second asking the client to wait 2.5 seconds
    emu.faults.add(FaultRule(match="*", kind="rate_limit"))
    emu.faults.add(FaultRule(match="*", kind="rate_limit", retry_after_s=2.5))
    body = gw.envelope(fn("f1", customer_xml()))
    # When both are posted
    plain = gw.http.post("/ia/xml/xmlgw.phtml", content=body)
    asking = gw.http.post("/ia/xml/xmlgw.phtml", content=body)
    # Then both are 429 GW-0010; only the second has Retry-After, in whole seconds
    assert (plain.status_code, asking.status_code) == (429, 429)
    assert "Retry-After" not in plain.headers
    assert asking.headers["Retry-After"] == "3"


def test_timeout_answers_504_and_runs_nothing(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given the gateway times out on the next customer create
    emu.faults.add(FaultRule(match="create CUSTOMER", kind="timeout"))
    # When a create is posted
    reply = gw.post(fn("f1", customer_xml()))
    # Then the client sees the gateway's 504 page and, unlike a lost answer, nothing ran
    assert reply.status_code == 504
    assert "Gateway Time-out" in reply.text
    assert emu.records("CUSTOMER") == []
    assert emu.calls.all() == []
    # And the same controlid runs when retried: it never completed
    assert gw.post(fn("f1", customer_xml())).result.status == "success"
