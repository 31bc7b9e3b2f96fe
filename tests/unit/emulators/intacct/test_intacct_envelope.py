"""The request/response envelope and the three failure levels, through HTTP."""

from __future__ import annotations

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import (
    COMPANY,
    EVENTS,
    XmlClient,
    customer_xml,
    fn,
)


def test_success_envelope_echoes_control_and_authentication(gw: XmlClient) -> None:
    # Given valid sender and login credentials
    # When a request with one read function is posted
    reply = gw.post(
        fn("read-terms", "<readByName><object>ARTERM</object><keys>Net 30</keys></readByName>")
    )
    # Then control and authentication succeed and the result echoes function and controlid
    assert reply.status_code == 200
    assert reply.control_status == "success"
    assert reply.root is not None
    assert reply.root.findtext("control/senderid") == "ledgerlink_sender"
    assert reply.root.findtext("control/controlid") == "request-1"
    assert reply.root.findtext("control/uniqueid") == "false"
    assert reply.root.findtext("control/dtdversion") == "3.0"
    assert reply.auth_status == "success"
    assert reply.root.findtext("operation/authentication/companyid") == COMPANY
    assert reply.root.findtext("operation/authentication/sessiontimestamp") == (
        "2024-05-01T12:00:00+00:00"
    )
    assert reply.root.findtext("operation/authentication/sessiontimeout") == (
        "2024-05-01T13:00:00+00:00"
    )
    result = reply.result
    assert (result.status, result.function, result.controlid) == (
        "success",
        "readByName",
        "read-terms",
    )
    assert result.values("DUEDATE") == ["30"]


def test_malformed_xml_is_a_control_failure(gw: XmlClient) -> None:
    # Given a request that is not well-formed XML
    # When it is posted
    reply = gw.raw(b"<request><control><senderid>x</control></request>")
    # Then the control block fails with the XML parse error and there is no operation
    assert reply.control_status == "failure"
    assert [no for no, _ in reply.errors_at(".")] == ["XL03000003"]
    assert reply.root is not None
    assert reply.root.find("operation") is None


def test_dtd_and_entities_are_refused_at_control_level(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a request that declares an external entity (XXE)
    body = (EVENTS / "xxe_request.xml").read_bytes()
    # When it is posted
    reply = gw.raw(body)
    # Then it is refused before anything runs
    assert reply.control_status == "failure"
    assert reply.errors_at(".")[0][0] == "XL03000003"
    assert "DTD" in reply.errors_at(".")[0][1]
    assert emu.calls.all() == []


def test_wrong_dtdversion_is_a_control_failure(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a request for dtdversion 2.1
    # When it is posted
    reply = gw.post(fn("f1", customer_xml()), dtd="2.1")
    # Then nothing runs
    assert reply.control_status == "failure"
    assert reply.errors_at(".")[0][0] == "XL03000003"
    assert emu.records("CUSTOMER") == []


def test_bad_sender_password_is_a_control_failure(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given the right sender ID with a wrong password
    gw.sender = ("ledgerlink_sender", "wrong")
    # When a create is posted
    reply = gw.post(fn("f1", customer_xml()))
    # Then the control block fails with the partner-credentials error and nothing runs
    assert reply.control_status == "failure"
    assert reply.errors_at(".") == [("XL03000006", "Incorrect Intacct XML Partner ID or password.")]
    assert emu.records("CUSTOMER") == []


def test_unknown_function_is_refused_before_anything_runs(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a request whose second function is not one the gateway knows
    # When it is posted
    reply = gw.post(fn("f1", customer_xml()), fn("f2", "<frobnicate/>"))
    # Then the request fails schema validation and the first function did not run either
    assert reply.control_status == "failure"
    assert reply.errors_at(".")[0][0] == "XL03000003"
    assert emu.records("CUSTOMER") == []


def test_function_without_controlid_is_refused(gw: XmlClient) -> None:
    # Given a function element without its required controlid attribute
    body = gw.envelope("<function><getAPISession/></function>")
    # When it is posted
    reply = gw.raw(body)
    # Then it is a control-level schema error
    assert reply.control_status == "failure"
    assert reply.errors_at(".")[0][0] == "XL03000003"


def test_bad_login_is_an_authentication_failure(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a wrong user password
    gw.login = ("ws_user", COMPANY, "nope")
    # When a create is posted
    reply = gw.post(fn("f1", customer_xml()))
    # Then control succeeds, authentication fails, no function runs
    assert reply.control_status == "success"
    assert reply.auth_status == "failure"
    assert reply.errors_at("operation") == [("XL03000006", "Sign-in information is incorrect")]
    assert reply.results == []
    assert emu.records("CUSTOMER") == []


def test_unknown_company_is_an_authentication_failure(gw: XmlClient) -> None:
    # Given a company that does not exist
    gw.login = ("ws_user", "NOPE", "us3r!")
    # When a request is posted
    reply = gw.post(fn("f1", "<getAPISession/>"))
    # Then sign-in fails the same way a bad password does
    assert reply.auth_status == "failure"
    assert reply.errors_at("operation")[0][0] == "XL03000006"


def test_sender_not_authorized_for_company(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a sender authorized only for another company
    emu.add_sender("other_sender", "pw", companies=["OTHER"])
    gw.sender = ("other_sender", "pw")
    # When it signs in to ACME-DEMO
    reply = gw.post(fn("f1", "<getAPISession/>"))
    # Then authentication fails with the Web Services authorization error
    assert reply.auth_status == "failure"
    errno, text = reply.errors_at("operation")[0]
    assert errno == "XL03000006"
    assert "is not authorized to make Web Services requests" in text


def test_function_failure_leaves_other_functions_running(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a request with a failing create between two good ones
    # When it is posted without transaction
    reply = gw.post(
        fn("a", customer_xml("C-1")),
        fn("b", "<create><CUSTOMER><CUSTOMERID>C-2</CUSTOMERID></CUSTOMER></create>"),
        fn("c", customer_xml("C-3")),
    )
    # Then only the middle one fails
    assert [r.status for r in reply.results] == ["success", "failure", "success"]
    assert reply.results[1].errornos[0] == "BL01001973"
    assert sorted(r["CUSTOMERID"] for r in emu.records("CUSTOMER")) == ["C-1", "C-3"]


def test_transaction_rolls_back_every_function(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a transaction whose second function fails
    # When it is posted
    reply = gw.post(
        fn("a", customer_xml("C-1")),
        fn("b", "<create><CUSTOMER><CUSTOMERID>C-2</CUSTOMERID></CUSTOMER></create>"),
        fn("c", customer_xml("C-3")),
        transaction=True,
    )
    # Then the first is aborted, the second failed, the third never ran, all carry XL03000009
    assert [r.status for r in reply.results] == ["aborted", "failure", "aborted"]
    assert all(r.errornos[-1] == "XL03000009" for r in reply.results)
    assert emu.records("CUSTOMER") == []
    assert emu.calls.writes("CUSTOMER") == []


def test_transaction_commits_when_all_succeed(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a transaction of two good creates
    # When it is posted
    reply = gw.post(fn("a", customer_xml("C-1")), fn("b", customer_xml("C-2")), transaction=True)
    # Then both are kept
    assert [r.status for r in reply.results] == ["success", "success"]
    assert len(emu.records("CUSTOMER")) == 2


def test_includewhitespace_false_gives_compact_xml(gw: XmlClient) -> None:
    # Given the client asks for no whitespace (the test client always does)
    # When a request is posted
    reply = gw.post(fn("f1", "<getAPISession/>"))
    # Then the response has no indentation
    assert "\n    " not in reply.text


def test_gateway_only_takes_post(gw: XmlClient) -> None:
    # Given the gateway URL
    # When it is fetched with GET
    response = gw.http.get("/ia/xml/xmlgw.phtml")
    # Then it is refused
    assert response.status_code == 405


def test_missing_uniqueid_defaults_to_true(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a request without a uniqueid element
    body = gw.envelope(fn("once", customer_xml())).replace("<uniqueid>false</uniqueid>", "")
    # When it is posted twice
    first, second = gw.raw(body), gw.raw(body)
    # Then the response says uniqueid true and the second run is refused
    assert first.root is not None
    assert first.root.findtext("control/uniqueid") == "true"
    assert second.result.status == "failure"
    assert len(emu.records("CUSTOMER")) == 1
