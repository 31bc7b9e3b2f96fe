"""What the bench counts as billed Intacct functions (``sandbox.bench.saas_meter``): Sage's
API transactions, one per record created, updated or deleted, one per query, none for the
session call, counted from the emulator's call log."""

from __future__ import annotations

from sandbox.bench.saas_meter import intacct_transactions
from sandbox.emulators.common import Call
from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, fn


def test_each_record_a_write_function_wrote_is_one_transaction():
    # Given one create function that wrote three projects, and one update of one project
    calls = [
        Call(op="create", target="PROJECT", record_id="11,12,13"),
        Call(op="update", target="PROJECT", record_id="11"),
    ]
    # When they are counted as Intacct bills them
    billed = intacct_transactions(calls)
    # Then each record written is one transaction, batched in one function or not
    assert billed == 4


def test_a_query_is_one_transaction_and_the_session_call_none():
    # Given a sign-in, two queries and a delete of two keys
    calls = [
        Call(op="getAPISession", target="APISESSION"),
        Call(op="query", target="AUDITHISTORY"),
        Call(op="query", target="PROJECT"),
        Call(op="delete", target="TASK", record_id="7,8"),
    ]
    # When they are counted
    billed = intacct_transactions(calls)
    # Then the session is free, each query one, each record deleted one
    assert billed == 1 + 1 + 2


def test_a_failed_write_still_counts_once():
    # Given a create that failed (the log names no record it wrote)
    calls = [Call(op="create", target="TASK", record_id=None, ok=False)]
    # When it is counted
    billed = intacct_transactions(calls)
    # Then it is one transaction (Sage's usage lists unsuccessful transactions too)
    assert billed == 1


def test_the_emulators_log_of_a_batched_create_is_billed_per_record(
    emu: IntacctEmulator, gw: XmlClient
):
    # Given a session, then one request whose one create function makes three customers,
    # and a query of them
    session = gw.session()
    three = "".join(
        f"<CUSTOMER><CUSTOMERID>C-{i}</CUSTOMERID><NAME>Customer {i}</NAME></CUSTOMER>"
        for i in range(3)
    )
    query = "<query><object>CUSTOMER</object><select><field>CUSTOMERID</field></select></query>"
    reply = gw.post(fn("c", f"<create>{three}</create>"), fn("q", query), session=session)
    assert [r.status for r in reply.results] == ["success", "success"]
    # When the emulator's call log is counted
    billed = intacct_transactions(emu.calls.all())
    # Then three functions ran with the sign-in, billed as three records and one query
    assert len(emu.calls.all()) == 3
    assert billed == 3 + 1
