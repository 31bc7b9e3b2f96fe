"""Workflow outbound messages: SOAP 1.1 notifications POSTed to a listener until it acks.

Shape (SOAP API Developer Guide, "Understanding the Outbound Messaging WSDL"): the body's
``notifications`` element (namespace ``http://soap.sforce.com/2005/09/outbound``) holds
``OrganizationId``, ``ActionId``, ``SessionId`` (nillable; nil unless the message sends a
session), ``EnterpriseUrl``, ``PartnerUrl`` and up to 100 ``Notification`` elements, each
an ``Id`` and an ``sObject`` typed ``sf:<Object>`` whose children, in the namespace
``urn:sobject.enterprise.soap.sforce.com``, are the record's ``Id`` and the chosen fields.

Delivery ("Understanding Notifications"): notifications are queued when a record matching
the rule is created or edited, batched up to 100 per message, and carry the record's data
as it is when sent (not when queued). A message counts as delivered only when the listener
answers 200 with ``notificationsResponse/Ack`` = ``true``; otherwise its notifications
stay queued and are retried, and are dropped after 24 hours. Messages may arrive more than
once and out of order. Retry timing is left to whoever calls :meth:`OutboundQueue.deliver`
(the platform backs off exponentially up to two hours).

Listener answers are untrusted XML: parsed with defusedxml only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from sandbox.emulators.salesforce import values as wire_values
from sandbox.emulators.salesforce.clock import OrgClock
from sandbox.emulators.salesforce.store import Change

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
SOBJECT_NS = "urn:sobject.enterprise.soap.sforce.com"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
MAX_PER_MESSAGE = 100
RETENTION = timedelta(hours=24)
HEADERS = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": '""',
    "User-Agent": "Salesforce - OutboundMessaging",
}


class Notification(NamedTuple):
    """One notification as an envelope carries it: its id, the object, field values (and
    the action that queued it, which the envelope carries once for all)."""

    notification_id: str
    sobject: str
    values: Mapping[str, Any]
    action_id: str = ""


def build_outbound_envelope(
    org_id: str,
    action_id: str,
    notifications: Sequence[Notification | tuple[str, str, Mapping[str, Any]]],
    *,
    base_url: str = "https://example.my.salesforce.com",
    api_version: str = "62.0",
    session_id: str | None = None,
) -> bytes:
    """The SOAP message Salesforce POSTs. ``values`` are stored values (str, bool,
    Decimal, date, datetime); ``Id`` is written first, then the fields in name order, and
    null fields are left out."""
    org15 = org_id[:15]
    soap_base = f"{escape(base_url)}/services/Soap"
    session = (
        f"<SessionId>{escape(session_id)}</SessionId>"
        if session_id
        else '<SessionId xsi:nil="true"/>'
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" xmlns:xsd="{XSD_NS}" xmlns:xsi="{XSI_NS}">',
        " <soapenv:Body>",
        f'  <notifications xmlns="{OUTBOUND_NS}">',
        f"   <OrganizationId>{escape(org_id)}</OrganizationId>",
        f"   <ActionId>{escape(action_id)}</ActionId>",
        f"   {session}",
        f"   <EnterpriseUrl>{soap_base}/c/{api_version}/{org15}</EnterpriseUrl>",
        f"   <PartnerUrl>{soap_base}/u/{api_version}/{org15}</PartnerUrl>",
    ]
    for item in notifications:
        notification_id, sobject, record = str(item[0]), str(item[1]), item[2]
        assert isinstance(record, Mapping)
        parts += [
            "   <Notification>",
            f"    <Id>{escape(notification_id)}</Id>",
            f'    <sObject xsi:type={quoteattr("sf:" + sobject)} xmlns:sf="{SOBJECT_NS}">',
        ]
        for name in ["Id", *sorted(k for k in record if k != "Id")]:
            value = record.get(name)
            if value is not None:
                parts.append(
                    f"     <sf:{name}>{escape(wire_values.to_xml_text(value))}</sf:{name}>"
                )
        parts += ["    </sObject>", "   </Notification>"]
    parts += ["  </notifications>", " </soapenv:Body>", "</soapenv:Envelope>"]
    return "\n".join(parts).encode("utf-8")


def is_ack(body: bytes) -> bool:
    """True when a listener's answer holds ``notificationsResponse/Ack`` = true."""
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException, ValueError):
        return False
    ack = root.find(f".//{{{OUTBOUND_NS}}}notificationsResponse/{{{OUTBOUND_NS}}}Ack")
    return ack is not None and (ack.text or "").strip().lower() == "true"


@dataclass(frozen=True)
class OutboundMessage:
    """A workflow rule ("created, and every time it's edited") with its outbound message."""

    name: str
    sobject: str
    fields: tuple[str, ...]
    endpoint_url: str
    action_id: str


@dataclass
class PendingNotification:
    notification_id: str
    message: OutboundMessage
    record_id: str
    queued_at: datetime
    attempts: int = 0
    in_flight: bool = False


RecordReader = Callable[[str, Sequence[str]], dict[str, Any] | None]


class OutboundQueue:
    """Notifications waiting for their listener's ack."""

    def __init__(self, org_id: str, base_url: str, clock: OrgClock, new_id: Callable[[], str]):
        self.org_id = org_id
        self.base_url = base_url
        self.clock = clock
        self.messages: list[OutboundMessage] = []
        self._new_id = new_id
        self._pending: list[PendingNotification] = []
        self._lock = threading.Lock()

    def on_change(self, change: Change) -> None:
        """Queue a notification per matching rule for each create or edit."""
        if change.kind == "deleted":
            return
        for message in self.messages:
            if message.sobject.lower() == change.sobject.lower():
                with self._lock:
                    self._pending.append(
                        PendingNotification(
                            self._new_id(), message, change.record_id, self.clock.now()
                        )
                    )

    def pending(self) -> list[PendingNotification]:
        with self._lock:
            return list(self._pending)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, read: RecordReader) -> list[Notification]:
        """Remove every queued notification and return them as an envelope would carry
        them (for tests that deliver by hand: duplicated, reordered...)."""
        with self._lock:
            taken = [p for p in self._pending if not p.in_flight]
            self._pending = [p for p in self._pending if p.in_flight]
        out = []
        for pending in taken:
            current = read(pending.record_id, pending.message.fields)
            if current is not None:
                out.append(
                    Notification(
                        pending.notification_id,
                        pending.message.sobject,
                        current,
                        pending.message.action_id,
                    )
                )
        return out

    def deliver(self, client: httpx.Client, read: RecordReader) -> int:
        """POST every queued notification (up to 100 per message, per rule); returns how
        many were acknowledged. Unacknowledged ones stay queued."""
        batches = self._take_batches()
        acked = 0
        for message, batch in batches:
            items = []
            for pending in batch:
                current = read(pending.record_id, message.fields)
                if current is not None:
                    items.append(Notification(pending.notification_id, message.sobject, current))
            envelope = build_outbound_envelope(
                self.org_id, message.action_id, items, base_url=self.base_url
            )
            ok = bool(items) and _post(client, message.endpoint_url, envelope)
            with self._lock:
                for pending in batch:
                    pending.in_flight = False
                    pending.attempts += 1
                    if ok or not items:
                        self._pending.remove(pending)
            acked += len(batch) if ok else 0
        return acked

    def _take_batches(self) -> list[tuple[OutboundMessage, list[PendingNotification]]]:
        cutoff = self.clock.now() - RETENTION
        with self._lock:
            self._pending = [p for p in self._pending if p.queued_at >= cutoff]
            due = [p for p in self._pending if not p.in_flight]
            for pending in due:
                pending.in_flight = True
        by_rule: dict[str, list[PendingNotification]] = {}
        for pending in due:
            by_rule.setdefault(pending.message.action_id, []).append(pending)
        batches = []
        for group in by_rule.values():
            for start in range(0, len(group), MAX_PER_MESSAGE):
                batches.append((group[0].message, group[start : start + MAX_PER_MESSAGE]))
        return batches


def _post(client: httpx.Client, url: str, envelope: bytes) -> bool:
    try:
        response = client.post(url, content=envelope, headers=HEADERS)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and is_ack(response.content)
