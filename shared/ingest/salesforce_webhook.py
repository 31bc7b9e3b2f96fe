"""Salesforce outbound messages -> ChangeEvents on changes.fifo.

Outbound messages cannot sign, so the endpoint URL carries the connection's secret token
(``?token=``) and the envelope's OrganizationId must be the connection's org.
"""

from __future__ import annotations

import hmac

from shared.connectors.salesforce import outbound
from shared.errors import ConfigurationError
from shared.ingest.rejections import RequestRejectedError
from shared.mapping.catalog import MappingCatalog, UnmappedObjectError
from shared.models.connection import Connection, ConnectionSecrets
from shared.models.events import ChangeEvent, RecordRef, System


def check_token(secrets: ConnectionSecrets, token: str | None) -> None:
    if not token:
        raise RequestRejectedError(401, "missing token query parameter")
    if not hmac.compare_digest(token.encode(), secrets.webhook_token.get_secret_value().encode()):
        raise RequestRejectedError(403, "token does not match this connection")


def events_from_outbound_message(connection: Connection, body: bytes) -> list[ChangeEvent]:
    """Parse and check the envelope; one ChangeEvent per notification."""
    try:
        message = outbound.parse(body)
    except outbound.OutboundMessageError as exc:
        raise RequestRejectedError(400, f"not a Salesforce outbound message: {exc}") from exc
    if message.organization_id[:15] != connection.salesforce.org_id[:15]:
        raise RequestRejectedError(403, "OrganizationId does not match this connection")
    try:
        catalog = MappingCatalog.for_connection(connection)
    except ConfigurationError as exc:
        raise RequestRejectedError(409, f"connection misconfigured: {exc.reason}") from exc
    events = []
    for n in message.notifications:
        ref = RecordRef(system=System.SALESFORCE, object=n.sobject_type, record_id=n.record_id)
        try:
            catalog.for_ref(ref)
        except UnmappedObjectError as exc:
            raise RequestRejectedError(400, exc.reason) from exc
        events.append(
            ChangeEvent(
                connection_id=connection.connection_id,
                ref=ref,
                source="webhook",
                source_event_id=n.notification_id,
                # as the poller writes versions: a webhook and a poll of one version dedup
                version=n.system_modstamp.isoformat() if n.system_modstamp else None,
            )
        )
    return events
