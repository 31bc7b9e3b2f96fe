"""Login versus session authentication, getAPISession and session timeouts."""

from __future__ import annotations

from datetime import timedelta

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn


def test_get_api_session_returns_session_and_endpoint(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given login credentials
    # When getAPISession runs
    result = gw.one("<getAPISession/>")
    # Then the data holds the api block with session ID, endpoint and (top-level) location
    assert result.data is not None
    api = result.data.find("api")
    assert api is not None
    assert (api.findtext("sessionid") or "").endswith("..")
    assert api.findtext("endpoint") == emu.endpoint_url == "http://intacct.test/ia/xml/xmlgw.phtml"
    assert api.findtext("locationid") == ""
    assert emu.calls.count(op="getAPISession") == 1


def test_session_id_authenticates_later_requests(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a session from getAPISession
    session = gw.session()
    # When a create is sent with only the session ID
    reply = gw.post(fn("f1", customer_xml()), session=session)
    # Then it runs as the session's user and company
    assert reply.auth_status == "success"
    assert reply.root is not None
    assert reply.root.findtext("operation/authentication/userid") == "ws_user"
    assert reply.result.status == "success"
    assert emu.get("CUSTOMER", "C-100") is not None


def test_unknown_session_is_an_authentication_failure(gw: XmlClient) -> None:
    # Given a session ID the gateway never issued
    # When it is used
    reply = gw.post(fn("f1", "<getAPISession/>"), session="made-up..")
    # Then authentication fails with the invalid-session error
    assert reply.auth_status == "failure"
    assert reply.errors_at("operation") == [("XL03000006", "Invalid session")]


def test_session_times_out_after_idle_duration(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a session and a 10-minute session duration
    emu.session_timeout_s = 600
    session = gw.session()
    # When the session is not used for longer than that
    emu.advance_clock(timedelta(seconds=601))
    reply = gw.post(fn("f1", customer_xml()), session=session)
    # Then it is invalid and nothing runs
    assert reply.auth_status == "failure"
    assert reply.errors_at("operation")[0][0] == "XL03000006"
    assert emu.records("CUSTOMER") == []


def test_each_call_pushes_the_session_timeout_out(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a 10-minute session duration
    emu.session_timeout_s = 600
    session = gw.session()
    # When the session is used every 9 minutes
    for _ in range(3):
        emu.advance_clock(timedelta(seconds=540))
        reply = gw.post(fn("f", "<getAPISession/>"), session=session)
        # Then it stays valid and reports the new projected timeout
        assert reply.auth_status == "success"
    assert reply.root is not None
    assert reply.root.findtext("operation/authentication/sessiontimeout") == (
        "2024-05-01T12:37:00+00:00"
    )


def test_get_api_session_on_a_session_returns_the_same_session(gw: XmlClient) -> None:
    # Given a session
    session = gw.session()
    # When getAPISession is called with it
    reply = gw.post(fn("again", "<getAPISession/>"), session=session)
    # Then the same session comes back
    assert reply.result.data is not None
    assert reply.result.data.findtext("api/sessionid") == session


def test_entity_session_carries_its_location(gw: XmlClient) -> None:
    # Given a top-level session
    session = gw.session()
    # When a session for an entity is requested
    reply = gw.post(
        fn("entity", "<getAPISession><locationid>US</locationid></getAPISession>"), session=session
    )
    # Then a new session for that location is issued and it authenticates as that location
    assert reply.result.data is not None
    entity_session = reply.result.data.findtext("api/sessionid") or ""
    assert entity_session != session
    follow = gw.post(fn("f", "<getAPISession/>"), session=entity_session)
    assert follow.root is not None
    assert follow.root.findtext("operation/authentication/locationid") == "US"
