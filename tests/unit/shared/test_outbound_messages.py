from pathlib import Path

import pytest

from shared.connectors.salesforce import outbound


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
    assert message.notifications[0].system_modstamp == "2026-11-20T10:15:30.000Z"
    assert message.notifications[1].system_modstamp is None


def test_entities_and_dtds_are_refused(events_dir: Path):
    body = (events_dir / "webhooks/xxe_attack.xml").read_bytes()
    with pytest.raises(outbound.OutboundMessageError, match="malformed XML"):
        outbound.parse(body)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not xml", "malformed XML"),
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
