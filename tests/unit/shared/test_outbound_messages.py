from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.connectors.plugin import InboundRequest
from shared.connectors.salesforce import outbound
from shared.connectors.salesforce.connector import parse_timestamp
from shared.connectors.salesforce.webhook import OutboundMessageWebhook
from shared.models.events import ChangeEvent, RecordRef
from shared.sync.hashing import record_digest


def test_parses_the_documented_envelope(events_dir: Path):
    # Given an outbound message with an Account and a Contact notification
    body = (events_dir / "webhooks/salesforce_outbound_account.xml").read_bytes()
    # When it is parsed
    message = outbound.parse(body)
    # Then the org, the objects, the ids and the record version are read
    assert message.organization_id == "00D5g000004XyZaEAK"
    assert [(n.sobject_type, n.record_id) for n in message.notifications] == [
        ("Account", "0015g00000Q2mNsAAJ"),
        ("Contact", "0035g00000K1pQrAAJ"),
    ]
    assert message.notifications[0].notification_id == "04l5g00000DmLkBAAV"
    assert message.notifications[0].system_modstamp == datetime(
        2026, 11, 20, 10, 15, 30, tzinfo=UTC
    )
    assert message.notifications[1].system_modstamp is None


def test_entities_and_dtds_are_refused(events_dir: Path):
    body = (events_dir / "webhooks/xxe_attack.xml").read_bytes()
    with pytest.raises(outbound.OutboundMessageError, match="malformed XML"):
        outbound.parse(body)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not xml", "malformed XML"),
        (b'<?xml version="1.0" encoding="U"?><a/>', "malformed XML"),  # found by the door fuzz
        (b"<a/>", "not a SOAP 1.1 envelope"),
        (
            b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/>'
            b"</e:Envelope>",
            "no notifications",
        ),
    ],
)
def test_malformed_envelopes_say_what_is_wrong(body: bytes, reason: str):
    with pytest.raises(outbound.OutboundMessageError, match=reason):
        outbound.parse(body)


def test_a_system_modstamp_that_is_not_a_datetime_is_refused(events_dir: Path):
    body = (events_dir / "webhooks/salesforce_outbound_account.xml").read_bytes()
    broken = body.replace(b"2026-11-20T10:15:30.000Z", b"yesterday")
    with pytest.raises(outbound.OutboundMessageError, match="SystemModstamp is not a dateTime"):
        outbound.parse(broken)


def test_webhook_notices_carry_the_version_as_the_poller_writes_it(events_dir: Path, connection):
    # Given the outbound message's account notification
    body = (events_dir / "webhooks/salesforce_outbound_account.xml").read_bytes()
    # When the Salesforce plug-in reads it
    request = InboundRequest(query={}, headers={}, body=body)
    webhook = OutboundMessageWebhook().notices(request, connection.crm)[0]
    # Then its version is the ISO form of the stamp the REST API gives for the same moment
    read = parse_timestamp("2026-11-20T10:15:30.000+0000")
    assert read is not None
    assert webhook.version is not None
    assert datetime.fromisoformat(webhook.version) == read
    assert webhook.source_event_id == "04l5g00000DmLkBAAV"


def test_two_contents_read_at_one_stamp_are_two_messages():
    # Given two polls that read one Intacct customer at the same whole-second stamp
    first = ChangeEvent(
        connection_id="conn-1",
        ref=RecordRef(system="intacct", object="CUSTOMER", record_id="C-1"),
        source="poll",
        version="2026-11-20T10:15:30+00:00",
        source_event_id=record_digest({"NAME": "Acme"}),
    )
    second = first.model_copy(update={"source_event_id": record_digest({"NAME": "Acme Corp"})})
    again = first.model_copy(update={"occurred_at": first.occurred_at + timedelta(seconds=9)})
    # Then a new content is a new message, and the same content read again is not
    assert first.dedup_id != second.dedup_id
    assert first.dedup_id == again.dedup_id


def test_more_than_100_notifications_is_refused(events_dir: Path):
    text = (events_dir / "webhooks/salesforce_outbound_account.xml").read_text()
    start = text.index("<Notification>")
    end = text.index("</Notification>") + len("</Notification>")
    many = text[:start] + text[start:end] * 101 + text[end:]
    with pytest.raises(outbound.OutboundMessageError, match="more than 100"):
        outbound.parse(many.encode())


def test_ack_is_the_documented_response():
    assert "<Ack>true</Ack>" in outbound.ACK
    assert "http://soap.sforce.com/2005/09/outbound" in outbound.ACK


def test_our_own_writes_coming_back_are_dropped_at_the_door(events_dir: Path, connection):
    # Given an outbound message whose account was last modified by the integration user, and
    # whose contact was last modified by someone else
    body = (events_dir / "webhooks/salesforce_outbound_account.xml").read_bytes()
    ours, theirs = "005000000000001AAA", "005000000000002AAA"
    stamp = b"<sf:SystemModstamp>2026-11-20T10:15:30.000Z</sf:SystemModstamp>"
    marked = body.replace(
        stamp, stamp + b"<sf:LastModifiedById>" + ours.encode() + b"</sf:LastModifiedById>", 1
    )
    marked = marked.replace(
        b"<sf:Id>0035g00000K1pQrAAJ</sf:Id>",
        b"<sf:Id>0035g00000K1pQrAAJ</sf:Id><sf:LastModifiedById>"
        + theirs.encode()
        + b"</sf:LastModifiedById>",
    )
    request = InboundRequest(query={}, headers={}, body=marked)
    settings = connection.crm.model_copy(update={"integration_user_id": ours[:15]})
    # When the Salesforce plug-in reads it for a connection that knows its integration user
    notices = OutboundMessageWebhook().notices(request, settings)
    # Then only the contact someone else changed is a notice
    assert [n.record_id for n in notices] == ["0035g00000K1pQrAAJ"]
    # And without the integration user named, both are
    assert len(OutboundMessageWebhook().notices(request, connection.crm)) == 2


def test_a_notice_tells_a_creation_by_its_created_date_and_who_else_made_it(
    events_dir: Path, connection
):
    # Given the account's notification carrying CreatedDate equal to its SystemModstamp, and
    # who saved it last (a sales rep), for a connection that knows its integration user
    body = (events_dir / "webhooks/salesforce_outbound_account.xml").read_bytes()
    stamp = b"<sf:SystemModstamp>2026-11-20T10:15:30.000Z</sf:SystemModstamp>"
    created = stamp + b"<sf:CreatedDate>2026-11-20T10:15:30.000Z</sf:CreatedDate>"
    by_rep = created + b"<sf:LastModifiedById>005000000000002AAA</sf:LastModifiedById>"
    settings = connection.crm.model_copy(update={"integration_user_id": "005000000000001"})

    def first(raw: bytes, crm=settings):
        request = InboundRequest(query={}, headers={}, body=raw)
        return OutboundMessageWebhook().notices(request, crm)[0]

    # Then the notice is a creation, somebody else's (no link of ours to look for)
    notice = first(body.replace(stamp, by_rep, 1))
    assert (notice.created, notice.by_others) == (True, True)
    # And a later save is no creation; nor is a message without CreatedDate
    later = by_rep.replace(
        b"<sf:CreatedDate>2026-11-20T10:15:30", b"<sf:CreatedDate>2026-11-19T10:15:30"
    )
    assert first(body.replace(stamp, later, 1)).created is False
    assert first(body).created is False
    # And without the integration user named (or who saved it), nobody dropped ours: not told
    assert first(body.replace(stamp, by_rep, 1), connection.crm).by_others is False
    assert first(body.replace(stamp, created, 1)).by_others is False
    # And a CreatedDate that is not a dateTime is refused, naming it
    with pytest.raises(outbound.OutboundMessageError, match="CreatedDate is not a dateTime"):
        outbound.parse(body.replace(stamp, stamp + b"<sf:CreatedDate>soon</sf:CreatedDate>", 1))
