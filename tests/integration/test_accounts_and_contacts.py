"""Salesforce accounts and contacts <-> Intacct customers and contacts, in-process."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url


def test_new_account_and_contact_become_customer_and_contact(world, sf_api, intacct_api):
    # Given an account with a contact created by a Salesforce user
    account = sf_api.create(
        "Account", Name="Acme Corporation", Phone="+1 415 555 0100", BillingCity="San Francisco"
    )
    sf_api.create(
        "Contact", FirstName="Ana", LastName="Rivera", AccountId=account, Email="ana@acme.test"
    )
    # When the outbound messages are delivered and processed
    world.settle()
    # Then Intacct holds the customer and the contact, and the account shows its Intacct id
    customer = intacct_api.get(
        "CUSTOMER",
        account,
        "NAME",
        "DISPLAYCONTACT.PHONE1",
        "DISPLAYCONTACT.MAILADDRESS.CITY",
        "DISPLAYCONTACT.CONTACTNAME",
    )
    assert customer is not None
    assert customer["NAME"] == "Acme Corporation"
    assert customer["DISPLAYCONTACT.PHONE1"] == "+1 415 555 0100"
    assert customer["DISPLAYCONTACT.MAILADDRESS.CITY"] == "San Francisco"
    customer_contact = customer["DISPLAYCONTACT.CONTACTNAME"]  # Intacct's own contact
    people = [c for c in world.intacct.records("CONTACT") if c["CONTACTNAME"] != customer_contact]
    assert [(c["PRINTAS"], c["COMPANYNAME"], c["EMAIL1"]) for c in people] == [
        ("Ana Rivera", "Acme Corporation", "ana@acme.test")
    ]
    assert sf_api.get("Account", account)["Intacct_Customer_ID__c"] == account


def test_one_edit_is_exactly_one_write_and_the_echo_is_dropped(world, sf_api):
    # Given a synced account
    account = sf_api.create("Account", Name="Acme Corporation")
    world.settle()
    world.poll()  # our own create comes back from Intacct and is recognised
    world.intacct.calls.clear()
    # When it is renamed in Salesforce, and Intacct is polled afterwards
    sf_api.update("Account", account, Name="Acme Corp")
    world.salesforce.calls.clear()
    world.settle()
    world.intacct.advance_clock(timedelta(seconds=2))
    world.poll()
    # Then Intacct received exactly one write and nothing was written back to Salesforce
    assert [(c.op, c.target) for c in world.intacct.calls.writes()] == [("update", "CUSTOMER")]
    assert world.intacct.get("CUSTOMER", account)["NAME"] == "Acme Corp"
    assert world.salesforce.calls.writes() == []
    assert world.metrics.counts["EchoSkipped"] >= 1


def test_intacct_customer_reaches_salesforce_and_edits_follow(world, intacct_api, sf_api):
    # Given a customer created by an accountant in Intacct
    intacct_api.create(
        "CUSTOMER", CUSTOMERID="C-200", NAME="Globex", **{"DISPLAYCONTACT.PHONE1": "555-0100"}
    )
    # When the poller runs
    world.poll()
    # Then Salesforce has the account, carrying the Intacct id
    rows = sf_api.query(
        "SELECT Id, Name, Phone FROM Account WHERE Intacct_Customer_ID__c = 'C-200'"
    )
    assert [(r["Name"], r["Phone"]) for r in rows] == [("Globex", "555-0100")]
    # And when the accountant changes the phone, the account follows, and nothing echoes back
    world.intacct.calls.clear()
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.update("CUSTOMER", "C-200", **{"DISPLAYCONTACT.PHONE1": "555-0199"})
    world.intacct.calls.clear()
    world.poll()
    assert sf_api.get("Account", rows[0]["Id"])["Phone"] == "555-0199"
    assert world.intacct.calls.writes() == []


def test_an_intacct_edit_in_the_same_second_as_the_last_poll_still_syncs(
    world, intacct_api, sf_api, monkeypatch: pytest.MonkeyPatch
):
    # Given a customer the poller has just handed off, all within one company-clock second
    # (the clock is stopped: a poll on a loaded machine can outlast a second)
    stopped = world.intacct.now()
    monkeypatch.setattr(world.intacct.clock, "now", lambda: stopped)
    intacct_api.create("CUSTOMER", CUSTOMERID="C-300", NAME="Same Second Inc")
    world.poll()
    before = world.intacct.get("CUSTOMER", "C-300")["WHENMODIFIED"]
    # When it is edited again within the same second (Intacct stamps whole seconds)
    intacct_api.update("CUSTOMER", "C-300", NAME="Same Second Incorporated")
    assert world.intacct.get("CUSTOMER", "C-300")["WHENMODIFIED"] == before
    world.poll()
    # Then Salesforce still gets the new name
    rows = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'C-300'")
    assert [r["Name"] for r in rows] == ["Same Second Incorporated"]


def test_duplicated_and_reordered_outbound_messages_make_one_customer(world, sf_api):
    # Given an account edited twice (two notifications)
    account = sf_api.create("Account", Name="Initech")
    sf_api.update("Account", account, Name="Initech LLC")
    pending = world.salesforce.take_outbound()
    envelopes = [
        build_outbound_envelope(world.salesforce.org_id, n.action_id, [n]) for n in pending
    ]
    url = webhook_url(world.urls.api, world.creds)
    # When they arrive reordered, and each one twice
    for body in [*reversed(envelopes), *envelopes]:
        answer = world.http.post(url, content=body, headers={"Content-Type": "text/xml"})
        assert answer.status_code == 200
        assert b"<Ack>true</Ack>" in answer.content
    world.settle()
    # Then there is one customer, with the latest name
    customers = [c for c in world.intacct.records("CUSTOMER") if c["CUSTOMERID"] == account]
    assert len(customers) == 1
    assert customers[0]["NAME"] == "Initech LLC"
    assert len(world.intacct.calls.writes("CUSTOMER")) == 1


def test_a_lost_outbound_message_is_caught_by_the_next_poll(world, sf_api):
    # Given an account and its contact whose outbound messages Salesforce gave up on
    account = sf_api.create("Account", Name="Hooli")
    sf_api.create("Contact", FirstName="Gavin", LastName="Belson", AccountId=account)
    world.salesforce.take_outbound()
    world.settle()
    assert world.intacct.get("CUSTOMER", account) is None
    # When the poll schedule fires
    world.poll()
    # Then Intacct holds both, and the account carries its Intacct id
    assert world.intacct.get("CUSTOMER", account)["NAME"] == "Hooli"
    assert "Gavin Belson" in [c["PRINTAS"] for c in world.intacct.records("CONTACT")]
    assert sf_api.get("Account", account)["Intacct_Customer_ID__c"] == account
    # And polls that find only what was already synced write nothing anywhere
    world.intacct.calls.clear()
    world.salesforce.calls.clear()
    world.poll()
    world.poll()
    assert world.intacct.calls.writes() == []
    assert world.salesforce.calls.writes() == []


def test_the_crm_poll_can_be_turned_off(world, sf_api):
    # Given a connection that relies on outbound messages alone
    world.runtime.connections.put(world.connection.model_copy(update={"crm_polled_objects": ()}))
    account = sf_api.create("Account", Name="Pied Piper")
    world.salesforce.take_outbound()
    # When the poll schedule fires
    world.poll()
    # Then Salesforce was not read for changes and the account stays unsynced
    assert world.intacct.get("CUSTOMER", account) is None


def test_a_record_the_erp_rejects_goes_to_the_dlq_with_its_reason(world, sf_api, intacct_api):
    # Given an Intacct customer C-7, and an account whose number would make it C-7 too
    intacct_api.create("CUSTOMER", CUSTOMERID="C-7", NAME="Someone Else")
    bad = sf_api.create("Account", Name="Clashing Corp", AccountNumber="C-7")
    good = sf_api.create("Account", Name="Fine Corp")
    # When both sync
    world.settle()
    # Then the good one is in Intacct; the other is in the DLQ with Intacct's error text
    assert world.intacct.get("CUSTOMER", good) is not None
    assert world.intacct.get("CUSTOMER", "C-7")["NAME"] == "Someone Else"
    dead = world.dead_letters("changes")
    assert len(dead) == 1
    reason = dead[0]["MessageAttributes"]["reason"]["StringValue"]
    assert "intacct rejected the record" in reason
    assert "already exists" in reason
    assert bad in dead[0]["Body"]
    # And once the account number is fixed, the account syncs as a customer of its own
    sf_api.update("Account", bad, AccountNumber="CLASH-1")
    world.settle()
    assert world.intacct.get("CUSTOMER", "CLASH-1")["NAME"] == "Clashing Corp"
    assert world.intacct.get("CUSTOMER", "C-7")["NAME"] == "Someone Else"
