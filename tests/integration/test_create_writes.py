"""What a create saves, in-process against the emulators: two link writes in each direction
where each side tells a copy of ours by its creator (Identity.creator_field), and what the
intent it saves before the write guards: a retry after a lost answer, and the copy's own
sight before its link is saved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from shared.mapping.fields import Side
from shared.models.events import ChangeEvent, RecordRef
from shared.state import keys


@contextmanager
def _link_writes(world) -> Iterator[list[str]]:
    """The keys of the link items the functions put while the block runs."""
    written: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        pk = params.get("Item", {}).get("pk")
        pk = pk.get("S") if isinstance(pk, dict) else pk
        if str(pk).startswith("LINK#"):
            written.append(str(pk))

    events = world.runtime.table.meta.client.meta.events
    events.register("before-parameter-build.dynamodb.PutItem", record)
    try:
        yield written
    finally:
        events.unregister("before-parameter-build.dynamodb.PutItem", record)


def _deliver(world, event: ChangeEvent) -> dict:
    record = {
        "messageId": "m-1",
        "receiptHandle": "r",
        "body": event.model_dump_json(),
        "attributes": {"ApproximateReceiveCount": "1"},
        "eventSource": "aws:sqs",
    }
    return world.runner.invoke("sync_records", {"Records": [record]})


def _ref(system: str, obj: str, key: str) -> RecordRef:
    return RecordRef(system=system, object=obj, record_id=key)


def test_a_new_account_costs_two_link_writes_the_intent_riding_on_its_pointer(world, sf_api):
    # When an account created in Salesforce becomes a customer
    account = sf_api.create("Account", Name="Two Writes Co")
    with _link_writes(world) as written:
        world.settle()
    # Then two link items were written: the account's pointer (carrying the intent, before
    # the create) and the link under the customer's key (after it)
    conn = world.connection.connection_id
    account_pk = keys.link(conn, _ref("salesforce", "Account", account))
    customer_pk = keys.link(conn, _ref("intacct", "CUSTOMER", account))
    assert written == [account_pk, customer_pk]
    link = world.runtime.links.get(conn, _ref("salesforce", "Account", account))
    assert link is not None
    assert (link.status, link.home, link.erp.ref.record_id) == ("linked", Side.ERP, account)


def test_a_new_customer_costs_two_link_writes_and_no_intent(world, intacct_api, sf_api):
    # When a customer created in Intacct becomes an account
    intacct_api.create("CUSTOMER", CUSTOMERID="TW-1", NAME="Two Writes Ltd")
    with _link_writes(world) as written:
        world.poll()
    # Then the account was made by an upsert on its Intacct id, and only the link (under the
    # customer's key) and the account's pointer to it were written
    rows = sf_api.query("SELECT Id FROM Account WHERE Intacct_Customer_ID__c = 'TW-1'")
    assert len(rows) == 1
    conn = world.connection.connection_id
    assert sorted(written) == sorted(
        [
            keys.link(conn, _ref("salesforce", "Account", rows[0]["Id"])),
            keys.link(conn, _ref("intacct", "CUSTOMER", "TW-1")),
        ]
    )


def test_without_the_integration_user_named_a_new_customer_keeps_its_intent(world, intacct_api):
    # Given a connection that does not name its Salesforce integration user
    crm = world.connection.crm.model_copy(update={"integration_user_id": None})
    connection = world.connection.model_copy(update={"crm": crm})
    engine = world.runtime.engine(connection)
    intacct_api.create("CUSTOMER", CUSTOMERID="TW-2", NAME="Careful Ltd")
    # When the customer is copied
    with _link_writes(world) as written:
        engine.apply(
            ChangeEvent(
                connection_id=connection.connection_id,
                ref=_ref("intacct", "CUSTOMER", "TW-2"),
                source="poll",
            )
        )
    # Then its intent was saved before the account was made, and rewritten by the link
    customer_pk = keys.link(connection.connection_id, _ref("intacct", "CUSTOMER", "TW-2"))
    assert written.count(customer_pk) == 2
    assert len(written) == 3


def test_a_create_retried_after_its_key_inputs_changed_resumes_on_the_key_it_chose(
    world, sf_api, intacct_api
):
    # Given an account copied as customer ACME-1 (from its account number) whose create was
    # interrupted after Intacct made it: the intent saved, the link not
    account = sf_api.create("Account", Name="Acme", AccountNumber="ACME-1")
    ref = _ref("salesforce", "Account", account)
    engine = world.runtime.engine(world.connection)
    mapping, _ = engine._catalog.for_ref(ref)
    crm = world.runtime.sides(world.connection).crm
    record = crm.fetch("Account", account, sorted(mapping.tracked_paths(Side.CRM)))
    assert record is not None
    engine._begin(mapping, Side.CRM, record, mapping.identity(Side.ERP))
    world.runtime.sides(world.connection).erp.create(
        "CUSTOMER", {"CUSTOMERID": "ACME-1", "NAME": "Acme"}, idempotency_key="k-1"
    )
    # When its account number is changed before the retry, which reads the account afresh
    sf_api.update("Account", account, AccountNumber="ACME-2")
    answer = _deliver(
        world, ChangeEvent(connection_id=world.connection.connection_id, ref=ref, source="webhook")
    )
    # Then the retry finished the copy it started: one customer, ACME-1, linked
    assert answer == {"batchItemFailures": []}
    assert [c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")] == ["ACME-1"]
    link = world.runtime.links.get(world.connection.connection_id, ref)
    assert link is not None
    assert (link.status, link.erp.ref.record_id) == ("linked", "ACME-1")
    assert sf_api.get("Account", account)["Intacct_Customer_ID__c"] == "ACME-1"


def test_our_customer_seen_before_its_link_is_saved_waits_for_it(world, sf_api):
    # Given a customer ledgerlink made for an account whose link is not saved yet
    account = sf_api.create("Account", Name="In Flight Co")
    erp = world.runtime.sides(world.connection).erp
    erp.create("CUSTOMER", {"CUSTOMERID": account, "NAME": "In Flight Co"}, idempotency_key="k-2")
    world.salesforce.calls.clear()
    # When a poll hands the customer to a worker before the account's own create saves it
    event = ChangeEvent(
        connection_id=world.connection.connection_id,
        ref=_ref("intacct", "CUSTOMER", account),
        source="poll",
        snapshot=erp.fetch("CUSTOMER", account, ["CUSTOMERID", "NAME", "CREATEDBYLOGINID"]).fields,
    )
    answer = _deliver(world, event)
    # Then it is retried later, and no account was made from it
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert world.salesforce.calls.writes() == []
    assert [a["Id"] for a in sf_api.query("SELECT Id FROM Account")] == [account]


def test_our_account_seen_before_its_link_is_saved_waits_for_it(world, intacct_api, sf_api):
    # Given an account ledgerlink made for customer C-300 whose link is not saved yet
    intacct_api.create("CUSTOMER", CUSTOMERID="C-300", NAME="Umbrella")
    crm = world.runtime.sides(world.connection).crm
    made = crm.create(
        "Account",
        {"Name": "Umbrella", "Intacct_Customer_ID__c": "C-300"},
        idempotency_key="k-3",
        external_key=("Intacct_Customer_ID__c", "C-300"),
    )
    world.intacct.calls.clear()
    # When its outbound message or a poll hands it to a worker first
    answer = _deliver(
        world,
        ChangeEvent(
            connection_id=world.connection.connection_id,
            ref=_ref("salesforce", "Account", made.key),
            source="webhook",
        ),
    )
    # Then it waits for its link: nothing linked it to C-300 nor wrote to Intacct
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert world.intacct.calls.writes() == []
    assert (
        world.runtime.links.get(
            world.connection.connection_id, _ref("intacct", "CUSTOMER", "C-300")
        )
        is None
    )
    # And the customer's own sync then links the two, without a second account
    world.poll()
    rows = sf_api.query("SELECT Id FROM Account WHERE Intacct_Customer_ID__c = 'C-300'")
    assert [r["Id"] for r in rows] == [made.key]


def test_a_person_made_customer_named_by_an_account_is_adopted(world, intacct_api, sf_api):
    # Given a customer an accountant made, and an account a sales rep made naming it
    intacct_api.create("CUSTOMER", CUSTOMERID="C-400", NAME="Initech")
    account = sf_api.create("Account", Name="Initech", Intacct_Customer_ID__c="C-400")
    # When the account syncs
    world.settle()
    # Then it is linked to that customer, not held back as a copy in flight
    link = world.runtime.links.get(
        world.connection.connection_id, _ref("salesforce", "Account", account)
    )
    assert link is not None
    assert (link.status, link.erp.ref.record_id) == ("linked", "C-400")
    assert json.dumps(world.dead_letters("changes")) == "[]"


@contextmanager
def _link_reads(world, ops: tuple[str, ...] = ("GetItem", "BatchGetItem")) -> Iterator[list[str]]:
    """The keys of the link items the functions and the door read while the block runs
    (``ops``: BatchGetItem alone is what the doors and the poller read)."""
    read: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        asked = [params.get("Key", {})]
        for wanted in params.get("RequestItems", {}).values():
            asked += wanted["Keys"]
        for key in asked:
            pk = key.get("pk")
            pk = pk.get("S") if isinstance(pk, dict) else pk
            if str(pk).startswith("LINK#"):
                read.append(str(pk))

    events = world.runtime.table.meta.client.meta.events
    for op in ops:
        events.register(f"before-parameter-build.dynamodb.{op}", record)
    try:
        yield read
    finally:
        for op in ops:
            events.unregister(f"before-parameter-build.dynamodb.{op}", record)


def test_a_creation_notice_is_copied_without_reading_its_link(world, sf_api):
    # When an account's creation is notified and copied
    account = sf_api.create("Account", Name="Unread Co")
    with _link_reads(world) as read, _link_writes(world) as written:
        world.settle()
    # Then its link was never read, at the door nor by the worker: the intent's write, made
    # only if nothing was stored for the account, proved it new; the copy and its link are
    # as for any create
    conn = world.connection.connection_id
    assert keys.link(conn, _ref("salesforce", "Account", account)) not in read
    assert len(written) == 2
    assert [c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")] == [account]


def test_a_creation_notice_delivered_again_reads_the_link_and_copies_nothing(world, sf_api):
    # Given an account copied from its creation's notice
    account = sf_api.create("Account", Name="Twice Told Co")
    world.settle()
    world.intacct.calls.clear()
    # When the same creation is notified again after its copy was linked
    event = ChangeEvent(
        connection_id=world.connection.connection_id,
        ref=_ref("salesforce", "Account", account),
        source="webhook",
        created=True,
    )
    answer = _deliver(world, event)
    # Then the intent's write was refused, the link read, and nothing written to Intacct
    assert answer == {"batchItemFailures": []}
    assert world.intacct.calls.writes() == []
    assert [c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")] == [account]


def _polled(world, side: Side, obj: str, key: str):
    """``key`` as a poll of ``obj`` reads it, and the poll's echo filter."""
    from shared.pairs.catalog import MappingCatalog
    from shared.sync.echoes import EchoFilter

    connection = world.connection
    catalog = MappingCatalog.for_connection(connection)
    sides = world.runtime.sides(connection)
    connector = sides.on(side)
    mapping, _ = catalog.for_object(connector.system, obj)
    fields = mapping.tracked_paths(side) | EchoFilter.creation_fields(mapping, side, connector)
    record = connector.fetch(obj, key, sorted(fields))
    echoes = EchoFilter(world.runtime.engine(connection), world.runtime.links, sides, world.metrics)
    return record, lambda records: echoes.worth_queueing(catalog, side, records)


def test_our_untouched_account_coming_back_to_a_poll_is_dropped_unread(world, intacct_api, sf_api):
    # Given an account ledgerlink made from a customer, saved by nobody since
    intacct_api.create("CUSTOMER", CUSTOMERID="UT-1", NAME="Untouched Ltd")
    world.poll()
    (account,) = [r["Id"] for r in sf_api.query("SELECT Id FROM Account")]
    record, worth = _polled(world, Side.CRM, "Account", account)
    # When a poll of the accounts sees it
    with _link_reads(world) as read:
        kept = worth([record])
    # Then it is dropped as our own create, its link unread
    assert kept == []
    assert read == []
    # And once a sales rep saved it, the same poll reads its link, and queues it
    sf_api.update("Account", account, Phone="555 0142")
    record, worth = _polled(world, Side.CRM, "Account", account)
    with _link_reads(world) as read:
        kept = worth([record])
    assert [r.key for r in kept] == [account]
    assert len(read) == 1


def test_a_customer_made_after_the_last_poll_is_queued_without_a_link_read(
    world, intacct_api, sf_api
):
    # Given Intacct polled once (its customers' cursor holds a stamp)
    intacct_api.create("CUSTOMER", CUSTOMERID="NP-1", NAME="Before Ltd")
    world.poll()
    world.intacct.advance_clock(timedelta(seconds=2))
    # When an accountant creates a customer, and the poll sees it
    intacct_api.create("CUSTOMER", CUSTOMERID="NP-2", NAME="After Ltd")
    conn = world.connection.connection_id
    with _link_reads(world, ("BatchGetItem",)) as read:
        world.poll()
    # Then the poll queued it without reading its link (no poll saw it, no worker linked it),
    # and the worker copied it
    assert keys.link(conn, _ref("intacct", "CUSTOMER", "NP-2")) not in read
    rows = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'NP-2'")
    assert [r["Name"] for r in rows] == ["After Ltd"]
