"""Outbound messages: the SOAP envelope, batching, and retrying until the listener acks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest
from defusedxml.ElementTree import fromstring

from sandbox.emulators.salesforce import Notification, SalesforceEmulator, build_outbound_envelope
from shared.connectors.salesforce import outbound as ledgerlink_outbound
from tests.unit.emulators.salesforce.helpers import DATA, create

EVENTS = Path(__file__).parents[3] / "events" / "salesforce"
SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"
OUT = "{http://soap.sforce.com/2005/09/outbound}"
SF = "{urn:sobject.enterprise.soap.sforce.com}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
LISTENER = "http://listener.test/salesforce"


class Listener:
    """An outbound-message endpoint answering from a script of bodies (the last repeats)."""

    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers) or [(200, ack())]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return httpx.Response(status, content=body, headers={"Content-Type": "text/xml"})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def notifications(self, index: int = -1) -> list[Element]:
        root = fromstring(self.requests[index].content)
        found: list[Element] = root.findall(f"{SOAP}Body/{OUT}notifications/{OUT}Notification")
        return found


def ack(name: str = "outbound_ack.xml") -> bytes:
    return (EVENTS / name).read_bytes()


@pytest.fixture
def account_rule(emu: SalesforceEmulator) -> str:
    return emu.add_outbound_message(
        "ledgerlink_Account", "Account", ["Id", "Name", "Phone", "SystemModstamp"], LISTENER
    )


def test_envelope_has_the_documented_shape(api, emu: SalesforceEmulator, account_rule):
    # Given a rule on accounts and a new account without a phone
    account_id = create(api, "Account", Name="Acme & Co")
    listener = Listener()
    # When the queue is delivered
    acked = emu.deliver_outbound(listener.client())
    # Then one SOAP 1.1 message was posted with the documented headers and elements
    assert acked == 1
    request = listener.requests[0]
    assert str(request.url) == LISTENER
    assert request.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert request.headers["SOAPAction"] == '""'
    root = fromstring(request.content)
    assert root.tag == f"{SOAP}Envelope"
    notifications = root.find(f"{SOAP}Body/{OUT}notifications")
    assert notifications is not None
    assert [child.tag for child in notifications] == [
        f"{OUT}OrganizationId",
        f"{OUT}ActionId",
        f"{OUT}SessionId",
        f"{OUT}EnterpriseUrl",
        f"{OUT}PartnerUrl",
        f"{OUT}Notification",
    ]
    assert notifications.findtext(f"{OUT}OrganizationId") == emu.org_id
    assert notifications.findtext(f"{OUT}ActionId") == account_rule
    assert account_rule.startswith("04k")
    assert notifications.find(f"{OUT}SessionId").get(f"{XSI}nil") == "true"
    assert notifications.findtext(f"{OUT}EnterpriseUrl").endswith(
        f"/services/Soap/c/62.0/{emu.org_id[:15]}"
    )
    notification = notifications.find(f"{OUT}Notification")
    assert notification.findtext(f"{OUT}Id").startswith("04l")
    sobject = notification.find(f"{OUT}sObject")
    assert sobject.get(f"{XSI}type") == "sf:Account"
    assert [child.tag for child in sobject] == [f"{SF}Id", f"{SF}Name", f"{SF}SystemModstamp"]
    assert sobject.findtext(f"{SF}Id") == account_id
    assert sobject.findtext(f"{SF}Name") == "Acme & Co"
    assert sobject.findtext(f"{SF}SystemModstamp").endswith("Z")
    assert b'xmlns:sf="urn:sobject.enterprise.soap.sforce.com"' in request.content
    assert emu.pending_outbound() == 0


def test_ledgerlinks_parser_reads_the_envelope(api, emu: SalesforceEmulator, account_rule):
    # Given a delivered notification
    account_id = create(api, "Account", Name="Acme")
    listener = Listener()
    emu.deliver_outbound(listener.client())
    # When ledgerlink's ingest parser reads it
    message = ledgerlink_outbound.parse(listener.requests[0].content)
    # Then it finds the org, the record and its version
    assert message.organization_id == emu.org_id
    assert message.notifications[0].record_id == account_id
    assert message.notifications[0].sobject_type == "Account"
    assert message.notifications[0].system_modstamp is not None


def test_every_create_and_edit_queues_a_notification(api, emu: SalesforceEmulator, account_rule):
    # Given a rule on accounts
    # When accounts are created and edited through the API, collections and direct seeding,
    # a contact is created and an account is deleted
    account_id = create(api, "Account", Name="A")
    api.patch(f"{DATA}/sobjects/Account/{account_id}", json={"Name": "A2"})
    api.post(
        f"{DATA}/composite/sobjects",
        json={"records": [{"attributes": {"type": "Account"}, "Name": "B"}]},
    )
    seeded = emu.insert("Account", {"Name": "C"})
    emu.update("Account", seeded, {"Phone": "1"})
    create(api, "Contact", LastName="Not watched")
    api.delete(f"{DATA}/sobjects/Account/{account_id}")
    # Then each account create and edit queued one notification, nothing else did
    assert emu.pending_outbound() == 5


def test_notifications_carry_the_data_as_it_is_when_sent(
    api, emu: SalesforceEmulator, account_rule
):
    # Given an account created then renamed before delivery
    account_id = create(api, "Account", Name="Before")
    api.patch(f"{DATA}/sobjects/Account/{account_id}", json={"Name": "After"})
    listener = Listener()
    # When delivered
    emu.deliver_outbound(listener.client())
    # Then both notifications (distinct ids) carry the latest name
    sent = listener.notifications()
    assert len(sent) == 2
    assert len({n.findtext(f"{OUT}Id") for n in sent}) == 2
    assert [n.findtext(f"{OUT}sObject/{SF}Name") for n in sent] == ["After", "After"]


@pytest.mark.parametrize(
    "failure",
    [
        (500, ack("outbound_soap_fault.xml")),
        (200, ack("outbound_nack.xml")),
        (200, ack("outbound_ack_wrong_namespace.xml")),
        (200, b"OK"),
        (503, b""),
    ],
)
def test_unacknowledged_messages_stay_queued_and_are_retried(
    api, emu: SalesforceEmulator, account_rule, failure
):
    # Given a listener that fails once, then acks
    create(api, "Account", Name="Acme")
    listener = Listener(failure, (200, ack()))
    client = listener.client()
    # When delivered the first time
    first = emu.deliver_outbound(client)
    # Then nothing is acked and the notification waits
    assert first == 0
    assert emu.pending_outbound() == 1
    # When delivered again
    second = emu.deliver_outbound(client)
    # Then the same notification is sent again and acked
    assert second == 1
    assert emu.pending_outbound() == 0
    ids = [listener.notifications(i)[0].findtext(f"{OUT}Id") for i in (0, 1)]
    assert ids[0] == ids[1]


def test_an_unreachable_listener_keeps_the_queue(api, emu: SalesforceEmulator, account_rule):
    # Given a listener that cannot be reached
    create(api, "Account", Name="Acme")

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    # When delivery is attempted
    acked = emu.deliver_outbound(httpx.Client(transport=httpx.MockTransport(refuse)))
    # Then the notification is still queued
    assert acked == 0
    assert emu.pending_outbound() == 1


def test_held_notifications_wait_until_the_hold_ends(api, emu: SalesforceEmulator, account_rule):
    # Given an edit made while delivery is held
    listener = Listener()
    with emu.holding_outbound():
        create(api, "Account", Name="Acme")
        # When delivery is attempted during the hold
        during = emu.deliver_outbound(listener.client())
    after = emu.deliver_outbound(listener.client())
    # Then nothing was sent during it, and the notification went out after it
    assert during == 0
    assert after == 1
    assert len(listener.requests) == 1


def test_more_than_100_notifications_are_split(api, emu: SalesforceEmulator, account_rule):
    # Given 150 account creations
    api.post(
        f"{DATA}/composite/sobjects",
        json={
            "records": [{"attributes": {"type": "Account"}, "Name": f"A{i}"} for i in range(150)]
        },
    )
    listener = Listener()
    # When delivered
    acked = emu.deliver_outbound(listener.client())
    # Then two messages carried 100 and 50 notifications
    assert acked == 150
    assert [len(listener.notifications(i)) for i in range(2)] == [100, 50]


def test_each_rule_gets_its_own_messages(api, emu: SalesforceEmulator, account_rule):
    # Given a second rule, on contacts, to another endpoint
    contact_rule = emu.add_outbound_message(
        "ledgerlink_Contact", "Contact", ["LastName"], "http://listener.test/contacts"
    )
    create(api, "Account", Name="Acme")
    create(api, "Contact", LastName="Lee")
    listener = Listener()
    # When delivered
    emu.deliver_outbound(listener.client())
    # Then each endpoint got its rule's message
    by_url = {
        str(r.url): fromstring(r.content).findtext(f"{SOAP}Body/{OUT}notifications/{OUT}ActionId")
        for r in listener.requests
    }
    assert by_url == {LISTENER: account_rule, "http://listener.test/contacts": contact_rule}


def test_notifications_older_than_24_hours_are_dropped(api, emu: SalesforceEmulator, account_rule):
    # Given a notification nobody acknowledged for a day
    create(api, "Account", Name="Acme")
    emu.advance_clock(timedelta(hours=24, minutes=1))
    listener = Listener()
    # When delivery runs
    acked = emu.deliver_outbound(listener.client())
    # Then it is gone without being sent
    assert acked == 0
    assert listener.requests == []
    assert emu.pending_outbound() == 0


def test_hand_made_envelopes_for_duplicates_and_reordering(
    api, emu: SalesforceEmulator, account_rule
):
    # Given two queued notifications taken off the queue
    first = create(api, "Account", Name="First")
    create(api, "Account", Name="Second")
    taken = emu.take_outbound()
    assert emu.pending_outbound() == 0
    assert {n.action_id for n in taken} == {account_rule}
    # When an envelope repeats the first and reverses their order
    envelope = build_outbound_envelope(
        emu.org_id, account_rule, [taken[1], taken[0], taken[0]], base_url=emu.base_url
    )
    # Then it is a well-formed message in that order
    message = ledgerlink_outbound.parse(envelope)
    assert [n.record_id for n in message.notifications][1:] == [first, first]
    assert message.notifications[1].notification_id == message.notifications[2].notification_id


def test_envelopes_from_plain_tuples(emu: SalesforceEmulator):
    # Given a notification written as a plain tuple
    values = {"Id": "0015g0000000001AAA", "Name": "Tuple Inc", "Phone": None, "IsActive": True}
    # When built into an envelope
    envelope = build_outbound_envelope(
        emu.org_id, "04k5g0000000001AAA", [("04l5g0000000001AAA", "Account", values)]
    )
    # Then null fields are left out and booleans are xsd booleans
    sobject = fromstring(envelope).find(
        f"{SOAP}Body/{OUT}notifications/{OUT}Notification/{OUT}sObject"
    )
    assert [c.tag for c in sobject] == [f"{SF}Id", f"{SF}IsActive", f"{SF}Name"]
    assert sobject.findtext(f"{SF}IsActive") == "true"


def test_envelope_matches_the_golden_file():
    # Given the notifications of the golden sample (a null field among them)
    notifications = [
        Notification(
            "04l5g00000DmLkBAAV",
            "Account",
            {
                "Id": "0015g00000Q2mNsAAJ",
                "Name": "Acme & Sons",
                "SystemModstamp": datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC),
                "Intacct_Customer_ID__c": "C-100",
                "Phone": None,
            },
        ),
        Notification(
            "04l5g00000DmLkCAAV",
            "Opportunity",
            {
                "Id": "0065g00000K1pQrAAJ",
                "Amount": Decimal("1234.50"),
                "IsWon": True,
                "CloseDate": date(2026, 11, 30),
            },
        ),
    ]
    # When they are built into an envelope
    envelope = build_outbound_envelope(
        "00D5g000004XyZaEAK",
        "04k5g000000AbCdAAK",
        notifications,
        base_url="https://example.my.salesforce.com",
    )
    # Then it is byte for byte the sample in tests/events/salesforce
    assert envelope == (EVENTS / "outbound_two_notifications.xml").read_bytes()
