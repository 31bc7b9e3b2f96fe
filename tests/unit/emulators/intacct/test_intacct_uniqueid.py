"""uniqueid: a retried request never executes the same function twice."""

from __future__ import annotations

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn


def test_retried_request_does_not_run_a_completed_function_again(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a create that completed under uniqueid true
    body = gw.envelope(fn("sf-001-create", customer_xml()), unique=True)
    assert gw.raw(body).result.status == "success"
    # When the very same request is sent again
    retry = gw.raw(body)
    # Then the function is refused with the duplicate-controlid error and not executed
    result = retry.result
    assert result.status == "failure"
    assert result.controlid == "sf-001-create"
    assert result.errornos == ["XL03000004"]
    assert "already executed" in result.errors[0][1]
    assert result.data is None
    assert len(emu.records("CUSTOMER")) == 1
    assert len(emu.calls.writes("CUSTOMER")) == 1


def test_lost_response_then_retry_creates_exactly_one_record(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given the gateway will run the create but lose the response
    emu.faults.add(FaultRule(match="create CUSTOMER", kind="lose_response"))
    body = gw.envelope(fn("sf-002-create", customer_xml("C-200")), unique=True)
    lost = gw.raw(body)
    assert (lost.status_code, lost.text) == (504, "")
    # When the client retries the same request
    retry = gw.raw(body)
    # Then the create is not repeated, and the record from the first attempt can be read
    assert retry.result.errornos == ["XL03000004"]
    assert [r["CUSTOMERID"] for r in emu.records("CUSTOMER")] == ["C-200"]
    read = gw.one(
        "<readByName><object>CUSTOMER</object><keys>C-200</keys><fields>RECORDNO</fields></readByName>"
    )
    assert read.values("RECORDNO") == ["1"]


def test_only_completed_functions_count(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a request where one function failed
    bad = "<create><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID></CUSTOMER></create>"
    first = gw.post(fn("a", customer_xml("C-0")), fn("b", bad), unique=True)
    assert [r.status for r in first.results] == ["success", "failure"]
    # When it is retried with the failing function corrected
    retry = gw.post(fn("a", customer_xml("C-0")), fn("b", customer_xml("C-1")), unique=True)
    # Then the completed one is refused and the failed one now runs
    assert [r.status for r in retry.results] == ["failure", "success"]
    assert sorted(r["CUSTOMERID"] for r in emu.records("CUSTOMER")) == ["C-0", "C-1"]


def test_rolled_back_transaction_can_be_retried(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a transaction that rolled back
    bad = "<create><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID></CUSTOMER></create>"
    gw.post(fn("a", customer_xml("C-0")), fn("b", bad), unique=True, transaction=True)
    assert emu.records("CUSTOMER") == []
    # When it is retried with the same controlids and a fix
    retry = gw.post(
        fn("a", customer_xml("C-0")), fn("b", customer_xml("C-1")), unique=True, transaction=True
    )
    # Then both run: nothing of the rolled-back attempt counts as completed
    assert [r.status for r in retry.results] == ["success", "success"]


def test_uniqueid_false_runs_the_function_again(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a query that completed
    query = "<readByQuery><object>CUSTOMER</object><query></query></readByQuery>"
    gw.post(fn("poll", query), unique=False)
    # When the same controlid is sent with uniqueid false
    again = gw.post(fn("poll", query), unique=False)
    # Then it runs again
    assert again.result.status == "success"
    assert emu.calls.count(op="readByQuery") == 2


def test_other_functions_of_a_retried_request_still_run(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a completed create
    gw.post(fn("create-1", customer_xml("C-1")), unique=True)
    # When a request repeats it alongside a new function
    reply = gw.post(
        fn("create-1", customer_xml("C-1")), fn("create-2", customer_xml("C-2")), unique=True
    )
    # Then the new one runs
    assert [r.status for r in reply.results] == ["failure", "success"]
    assert sorted(r["CUSTOMERID"] for r in emu.records("CUSTOMER")) == ["C-1", "C-2"]
