"""Salesforce outbound messages (SOAP 1.1 notifications) in, the SOAP Ack out.

Shape per the Outbound Messaging WSDL (namespace http://soap.sforce.com/2005/09/outbound):
``notifications`` holds OrganizationId, ActionId, SessionId, EnterpriseUrl, PartnerUrl and
1..100 ``Notification`` elements, each with an ``Id`` and an ``sObject`` whose ``xsi:type``
names the object (``sf:Account``) and whose children (namespace
urn:sobject.enterprise.soap.sforce.com) are the selected fields.
Untrusted XML: parsed with defusedxml (no entity expansion, no DTDs).
"""

from __future__ import annotations

from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from pydantic import BaseModel, ConfigDict, Field

OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NOTIFICATIONS = 100

ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}">'
    "<soapenv:Body>"
    f'<notificationsResponse xmlns="{OUTBOUND_NS}"><Ack>true</Ack></notificationsResponse>'
    "</soapenv:Body></soapenv:Envelope>"
)


class OutboundMessageError(ValueError):
    """The body is not a well-formed outbound message; the reason says what is wrong."""


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True)

    notification_id: str
    sobject_type: str
    record_id: str
    fields: tuple[str, ...] = ()  # the field names the message carried (not their values)
    system_modstamp: datetime | None = None  # the record's version, when the message carries it
    last_modified_by: str | None = None  # LastModifiedById, when the message carries it
    created_date: datetime | None = None  # CreatedDate, when the message carries it

    @property
    def created(self) -> bool:
        """The version notified is the record's creation (its CreatedDate is its
        SystemModstamp: nothing saved it since), where the message carries both."""
        return self.created_date is not None and self.created_date == self.system_modstamp


class OutboundMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    organization_id: str
    action_id: str | None = None
    notifications: tuple[Notification, ...] = Field(min_length=1, max_length=MAX_NOTIFICATIONS)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _text(parent: Element, name: str) -> str | None:
    child = parent.find(_q(OUTBOUND_NS, name))
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def parse(body: bytes) -> OutboundMessage:
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException, LookupError, ValueError) as exc:
        raise OutboundMessageError(f"malformed XML: {exc}") from exc
    if root.tag != _q(SOAP_NS, "Envelope"):
        raise OutboundMessageError("not a SOAP 1.1 envelope")
    notifications = root.find(f"{_q(SOAP_NS, 'Body')}/{_q(OUTBOUND_NS, 'notifications')}")
    if notifications is None:
        raise OutboundMessageError("no notifications element in the SOAP body")
    org_id = _text(notifications, "OrganizationId")
    if not org_id:
        raise OutboundMessageError("OrganizationId is missing")
    items = notifications.findall(_q(OUTBOUND_NS, "Notification"))
    if not items:
        raise OutboundMessageError("no Notification elements")
    if len(items) > MAX_NOTIFICATIONS:
        raise OutboundMessageError(f"more than {MAX_NOTIFICATIONS} notifications")
    return OutboundMessage(
        organization_id=org_id,
        action_id=_text(notifications, "ActionId"),
        notifications=tuple(_notification(item) for item in items),
    )


def _notification(item: Element) -> Notification:
    notification_id = _text(item, "Id")
    sobject = item.find(_q(OUTBOUND_NS, "sObject"))
    if not notification_id or sobject is None:
        raise OutboundMessageError("a Notification lacks its Id or sObject")
    xsi_type = sobject.get(_q(XSI_NS, "type"), "")
    sobject_type = xsi_type.rpartition(":")[2]
    if not sobject_type:
        raise OutboundMessageError("an sObject lacks its xsi:type")
    fields = {child.tag.rpartition("}")[2]: (child.text or "") for child in sobject}
    record_id = fields.get("Id", "").strip()
    if not record_id:
        raise OutboundMessageError(f"the {sobject_type} notification has no sf:Id")
    return Notification(
        notification_id=notification_id,
        sobject_type=sobject_type,
        record_id=record_id,
        fields=tuple(sorted(fields)),
        system_modstamp=_datetime(fields.get("SystemModstamp", "").strip(), "SystemModstamp"),
        last_modified_by=fields.get("LastModifiedById", "").strip() or None,
        created_date=_datetime(fields.get("CreatedDate", "").strip(), "CreatedDate"),
    )


def _datetime(text: str, name: str) -> datetime | None:
    """An xsd:dateTime as Salesforce writes it (``2026-11-20T10:15:30.000Z``)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise OutboundMessageError(f"{name} is not a dateTime: {text[:40]!r}") from exc
    if moment.tzinfo is None:
        raise OutboundMessageError(f"{name} has no time zone")
    return moment
