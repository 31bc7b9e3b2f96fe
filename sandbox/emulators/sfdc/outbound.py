"""Workflow outbound messages: a SOAP notification per created/edited record, delivered in
envelopes of up to 100, retried until the listener acknowledges (Outbound Messaging WSDL,
namespace http://soap.sforce.com/2005/09/outbound)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
OUT = "http://soap.sforce.com/2005/09/outbound"
SF = "urn:sobject.enterprise.soap.sforce.com"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_PER_MESSAGE = 100
register_namespace("soapenv", SOAP)
register_namespace("xsi", XSI)
register_namespace("sf", SF)


@dataclass
class OutboundRule:
    name: str
    sobject: str
    fields: list[str]
    endpoint_url: str
    action_id: str


@dataclass
class Notification:
    notification_id: str
    rule: OutboundRule
    sobject: str
    values: dict[str, Any]
    attempts: int = 0
    next_attempt: float = 0.0


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def build_outbound_envelope(
    org_id: str,
    action_id: str,
    notifications: Sequence[tuple[str, str, dict[str, Any]]],
    base_url: str = "https://example.my.salesforce.com",
) -> bytes:
    """The SOAP envelope Salesforce POSTs: ``notifications`` are (notification id, sObject
    type, field values); ``Id`` first, as the WSDL orders it."""
    envelope = Element(f"{{{SOAP}}}Envelope")
    body = SubElement(envelope, f"{{{SOAP}}}Body")
    root = SubElement(body, f"{{{OUT}}}notifications")
    SubElement(root, f"{{{OUT}}}OrganizationId").text = org_id
    SubElement(root, f"{{{OUT}}}ActionId").text = action_id
    SubElement(root, f"{{{OUT}}}SessionId", {f"{{{XSI}}}nil": "true"})
    SubElement(
        root, f"{{{OUT}}}EnterpriseUrl"
    ).text = f"{base_url}/services/Soap/c/62.0/{org_id[:15]}"
    SubElement(root, f"{{{OUT}}}PartnerUrl").text = f"{base_url}/services/Soap/u/62.0/{org_id[:15]}"
    for notification_id, sobject, values in notifications:
        item = SubElement(root, f"{{{OUT}}}Notification")
        SubElement(item, f"{{{OUT}}}Id").text = notification_id
        obj = SubElement(item, f"{{{OUT}}}sObject", {f"{{{XSI}}}type": f"sf:{sobject}"})
        ordered = ["Id", *[k for k in values if k != "Id"]]
        for name in ordered:
            value = values.get(name)
            if value is None:
                SubElement(obj, f"{{{SF}}}{name}", {f"{{{XSI}}}nil": "true"})
            else:
                SubElement(obj, f"{{{SF}}}{name}").text = _text(value)
    data: bytes = tostring(envelope, encoding="utf-8", xml_declaration=True)
    return data


def is_ack(body: bytes) -> bool:
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException):
        return False
    ack = root.find(f".//{{{OUT}}}notificationsResponse/{{{OUT}}}Ack")
    return ack is not None and (ack.text or "").strip().lower() == "true"


@dataclass
class OutboundQueue:
    org_id: str
    base_url: str
    retry_backoff_s: float = 0.5
    pending: list[Notification] = field(default_factory=list)
    delivered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, notification: Notification) -> None:
        with self.lock:
            self.pending.append(notification)

    def deliver(self, client: httpx.Client) -> int:
        """POST what is due, grouped per rule, oldest first; returns notifications acked."""
        now = time.monotonic()
        with self.lock:
            due = [n for n in self.pending if n.next_attempt <= now]
        acked = 0
        by_rule: dict[str, list[Notification]] = {}
        for n in due:
            by_rule.setdefault(n.rule.name, []).append(n)
        for batch_all in by_rule.values():
            for start in range(0, len(batch_all), MAX_PER_MESSAGE):
                batch = batch_all[start : start + MAX_PER_MESSAGE]
                rule = batch[0].rule
                envelope = build_outbound_envelope(
                    self.org_id,
                    rule.action_id,
                    [(n.notification_id, n.sobject, n.values) for n in batch],
                    self.base_url,
                )
                ok = self._post(client, rule.endpoint_url, envelope)
                with self.lock:
                    for n in batch:
                        if ok:
                            if n in self.pending:
                                self.pending.remove(n)
                            acked += 1
                        else:
                            n.attempts += 1
                            n.next_attempt = time.monotonic() + min(
                                self.retry_backoff_s * 2 ** (n.attempts - 1), 60.0
                            )
        self.delivered += acked
        return acked

    @staticmethod
    def _post(client: httpx.Client, url: str, envelope: bytes) -> bool:
        try:
            response = client.post(
                url,
                content=envelope,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and is_ack(response.content)
