"""Conflicts, transient faults and expired credentials, against the emulators' faults."""

from __future__ import annotations

from datetime import timedelta

from sandbox.emulators.common import FaultRule
from shared.models.connection import ConflictPolicy


def _linked_account(world, sf_api, **fields):
    account = sf_api.create("Account", Name="Acme Corporation", **fields)
    world.settle()
    world.poll()
    return account


def _use_policy(world, policy: ConflictPolicy) -> None:
    world.runtime.connections.put(world.connection.model_copy(update={"conflict_policy": policy}))


def test_erp_wins_keeps_the_intacct_value_when_both_sides_changed(world, sf_api, intacct_api):
    # Given a linked account under erp_wins
    _use_policy(world, ConflictPolicy.ERP_WINS)
    account = _linked_account(world, sf_api, Phone="111")
    # When the phone changes in both systems before either change is synced
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.update("CUSTOMER", account, **{"DISPLAYCONTACT.PHONE1": "222-erp"})
    sf_api.update("Account", account, Phone="333-crm")
    world.settle()  # the Salesforce change is processed first
    world.poll()  # then Intacct's
    # Then both systems hold Intacct's value, and the decision is in the audit trail
    assert world.intacct.get("CUSTOMER", account)["DISPLAYCONTACT.PHONE1"] == "222-erp"
    assert sf_api.get("Account", account)["Phone"] == "222-erp"
    assert world.metrics.counts["ConflictResolved"] == 1


def test_crm_wins_overwrites_intacct_when_both_sides_changed(world, sf_api, intacct_api):
    account = _linked_account(world, sf_api, Phone="111")
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.update("CUSTOMER", account, **{"DISPLAYCONTACT.PHONE1": "222-erp"})
    sf_api.update("Account", account, Phone="333-crm")
    world.poll()  # Intacct's change is seen first; Salesforce changed too and wins
    world.settle()
    assert sf_api.get("Account", account)["Phone"] == "333-crm"
    assert world.intacct.get("CUSTOMER", account)["DISPLAYCONTACT.PHONE1"] == "333-crm"


def test_transient_faults_retry_and_expired_sessions_refresh(world, sf_api):
    # Given Intacct answers 503 once, throttles once and forgets every session once
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="http_error", status=503))
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="rate_limit"))
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="expire_session"))
    world.salesforce.faults.add(FaultRule(match="QUERY Account", kind="expire_session"))
    # When an account is created
    account = sf_api.create("Account", Name="Resilient Ltd")
    world.settle()
    # Then it still reaches Intacct exactly once, and nothing went to the DLQ
    assert [c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")] == [account]
    assert world.dead_letters("changes") == []


def test_a_lost_answer_on_create_never_makes_a_second_customer(world, sf_api):
    # Given Intacct creates the customer but its answer is lost on the way back
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="lose_response"))
    # When the account syncs (the connector retries with the same controlid)
    account = sf_api.create("Account", Name="Lost & Found Co")
    world.settle()
    # Then the gateway refused to run the create twice, and the link points at the one customer
    assert [c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")] == [account]
    assert [c.target for c in world.intacct.calls.writes()] == ["CUSTOMER"]
    assert sf_api.get("Account", account)["Intacct_Customer_ID__c"] == account


def _polled_change(world, key: str, **stale: str) -> dict:
    """The SQS event of a polled Intacct customer change, its snapshot holding ``stale``."""
    import json

    from shared.models.events import ChangeEvent, RecordRef

    erp = world.runtime.sides(world.connection).erp
    record = erp.fetch("CUSTOMER", key, ["CUSTOMERID", "NAME"])
    assert record is not None
    event = ChangeEvent(
        connection_id=world.connection.connection_id,
        ref=RecordRef(system="intacct", object="CUSTOMER", record_id=key),
        source="poll",
        snapshot={**record.fields, **stale},
        version=record.modified_at.isoformat() if record.modified_at else None,
    )
    return {"body": event.model_dump_json(), "messageId": f"m-{key}", "group": json.dumps(key)}


def _deliver(world, change: dict, receive_count: int) -> dict:
    record = {
        "messageId": change["messageId"],
        "receiptHandle": "r",
        "body": change["body"],
        "attributes": {"ApproximateReceiveCount": str(receive_count)},
        "eventSource": "aws:sqs",
    }
    return world.runner.invoke("sync_records", {"Records": [record]})


def test_a_polled_change_delivered_again_reads_its_record_fresh(world, sf_api, intacct_api):
    # Given a customer polled as "Old name" that finance has renamed since
    intacct_api.create("CUSTOMER", CUSTOMERID="RD-1", NAME="Fresh name")
    change = _polled_change(world, "RD-1", NAME="Old name")

    # When its message comes a second time (the first delivery failed)
    answer = _deliver(world, change, receive_count=2)

    # Then the account made in Salesforce has the name Intacct holds now
    assert answer == {"batchItemFailures": []}
    accounts = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'RD-1'")
    assert [a["Name"] for a in accounts] == ["Fresh name"]


def test_a_first_delivery_uses_the_polled_values_without_a_read(world, sf_api, intacct_api):
    # Given the same situation, delivered for the first time
    intacct_api.create("CUSTOMER", CUSTOMERID="RD-2", NAME="Fresh name")
    change = _polled_change(world, "RD-2", NAME="Polled name")

    # When the worker runs it
    _deliver(world, change, receive_count=1)

    # Then the poller's values are what it applied (no fresh read on a first delivery)
    accounts = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'RD-2'")
    assert [a["Name"] for a in accounts] == ["Polled name"]


def test_a_late_polled_change_resuming_a_create_never_writes_its_older_values(
    world, sf_api, intacct_api
):
    from shared.mapping.fields import Side
    from shared.models.events import ChangeEvent, RecordRef

    # Given an account polled as "Old Name Ltd" (a change waiting in the queue) ...
    account = sf_api.create("Account", Name="Old Name Ltd")
    ref = RecordRef(system="salesforce", object="Account", record_id=account)
    engine = world.runtime.engine(world.connection)
    mapping, _ = engine._catalog.for_ref(ref)
    paths = sorted(mapping.tracked_paths(Side.CRM))
    crm = world.runtime.sides(world.connection).crm
    polled = crm.fetch("Account", account, paths)
    assert polled is not None
    late = ChangeEvent(
        connection_id=world.connection.connection_id,
        ref=ref,
        source="poll",
        snapshot=polled.fields,
        version=polled.modified_at.isoformat() if polled.modified_at else None,
    )
    # ... renamed since, and an attempt to copy it that made the customer from the new name
    # but lost Intacct's answer (its intent saved, the customer there, the link not done)
    sf_api.update("Account", account, Name="New Name Ltd")
    fresh = crm.fetch("Account", account, paths)
    assert fresh is not None
    assert fresh.modified_at != polled.modified_at
    identity = mapping.identity(Side.ERP)
    engine._links.save(engine._intent(mapping, Side.CRM, fresh, identity))
    intacct_api.create("CUSTOMER", CUSTOMERID=account, NAME="New Name Ltd")

    # When the late polled change comes first and resumes the create
    answer = _deliver(world, {"body": late.model_dump_json(), "messageId": "m-late"}, 1)

    # Then the customer keeps the account's name as it is now, and the link is done
    assert answer == {"batchItemFailures": []}
    assert world.intacct.get("CUSTOMER", account)["NAME"] == "New Name Ltd"
    link = world.runtime.links.get(world.connection.connection_id, ref)
    assert link is not None
    assert link.status == "linked"
