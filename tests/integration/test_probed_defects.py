"""Defects found by probing the pipe (a slow ERP, a failing key write-back), each with the
test that failed before its fix."""

from __future__ import annotations

from datetime import timedelta

from sandbox.emulators.common import FaultRule
from shared.models.events import ChangeEvent, RecordRef
from shared.pairs.catalog import MappingCatalog
from shared.sync.hashing import record_digest
from shared.topology import CHANGES

PHONE = "DISPLAYCONTACT.PHONE1"


def _linked_account(world, sf_api, **fields):
    account = sf_api.create("Account", Name="Slowpoke Ltd", **fields)
    world.settle()
    world.poll()  # Intacct's copy has been read back once: the link knows its stamp
    return account


def _poll_read(world, customer_id):
    """What the poller would queue for the Intacct customer as it is right now."""
    erp = world.runtime.sides(world.connection).erp
    mapping, side = MappingCatalog.for_connection(world.connection).for_object(
        "intacct", "CUSTOMER"
    )
    record = erp.fetch("CUSTOMER", customer_id, sorted(mapping.tracked_paths(side)))
    assert record is not None
    assert record.modified_at is not None
    return ChangeEvent(
        connection_id=world.connection.connection_id,
        ref=record.ref,
        source="poll",
        version=record.modified_at.isoformat(),
        source_event_id=record_digest(record.fields),
        snapshot=record.fields,
    )


def _deliver(world, event):
    world.runtime.publisher(CHANGES.key).publish([event])
    world.settle()


def _sf_phone_writes(world, account):
    return [c for c in world.salesforce.calls.writes("Account") if c.record_id == account]


def test_a_poll_read_that_raced_our_write_never_writes_the_old_value_back(world, sf_api):
    # Given a linked account, and a poll that read Intacct just before our next write landed
    account = _linked_account(world, sf_api, Phone="100")
    raced = _poll_read(world, account)
    # When the phone is edited in Salesforce and synced to Intacct (same second: Intacct's
    # stamps are whole seconds), and only then the raced read is processed
    sf_api.update("Account", account, Phone="101")
    world.settle()
    assert world.intacct.get("CUSTOMER", account)[PHONE] == "101"
    writes_before = len(_sf_phone_writes(world, account))
    # (read again later, past the queue's and the idempotency store's dedup windows, as a
    # poll whose cursor was lost would: a new message for the same old version)
    _deliver(world, raced.model_copy(update={"source_event_id": "read-again-later"}))
    # Then Salesforce keeps the newer value, and nothing was written to it
    assert sf_api.get("Account", account)["Phone"] == "101"
    assert len(_sf_phone_writes(world, account)) == writes_before


def test_our_own_earlier_write_read_late_is_an_echo_not_a_change(world, sf_api):
    account = _linked_account(world, sf_api, Phone="200")
    # Given two quick edits: the poll read Intacct after the first write landed, not the second
    sf_api.update("Account", account, Phone="201")
    world.settle()
    world.intacct.advance_clock(timedelta(seconds=1))
    late = _poll_read(world, account)  # shows 201, our own earlier write
    world.intacct.advance_clock(timedelta(seconds=1))
    sf_api.update("Account", account, Phone="202")
    world.settle()
    # When the late read is processed
    _deliver(world, late)
    # Then Salesforce does not flip back to 201
    assert sf_api.get("Account", account)["Phone"] == "202"
    assert world.intacct.get("CUSTOMER", account)[PHONE] == "202"


def test_a_user_edit_in_intacct_after_ours_still_reaches_salesforce(world, sf_api, intacct_api):
    # The echo rule must not swallow a real edit that happens to restore an older value
    account = _linked_account(world, sf_api, Phone="300")
    sf_api.update("Account", account, Phone="301")
    world.settle()
    world.intacct.advance_clock(timedelta(seconds=60))
    intacct_api.update("CUSTOMER", account, **{PHONE: "300"})
    world.poll()
    assert sf_api.get("Account", account)["Phone"] == "300"


def test_the_intacct_key_reaches_salesforce_even_when_writing_it_back_fails_for_a_while(
    world, sf_api
):
    # Given Salesforce answers 503 to the next three writes of an account (the connector's
    # own retries are used up once)
    world.salesforce.faults.add(FaultRule(match="PATCH Account", kind="http_error", times=3))
    # When an account is created in Salesforce and synced
    account = sf_api.create("Account", Name="Keyless Co")
    world.settle()
    # Then the redelivered message finished the job: the key is on the account, the create is
    # in the audit trail and counted once, and Intacct has one customer
    assert sf_api.get("Account", account)["Intacct_Customer_ID__c"] == account
    assert [c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")] == [account]
    history = world.runtime.audit.history(
        "demo", RecordRef(system="salesforce", object="Account", record_id=account)
    )
    assert "created" in [entry.action for entry in history]
    assert world.metrics.counts["RecordCreated"] == 1
