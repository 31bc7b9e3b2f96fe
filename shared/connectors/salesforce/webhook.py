"""Salesforce outbound messages at our door: verify, parse, answer.

Outbound messages cannot sign, so the endpoint URL carries the connection's secret token
(``?token=``), and the envelope's OrganizationId must be the connection's org. The answer is
the SOAP Ack Salesforce waits for (without it, it retries for 24 hours).
"""

from __future__ import annotations

import hmac
import re

from shared.connectors.plugin import Answer, InboundRequest, Notice, WebhookSecrets
from shared.connectors.salesforce import outbound
from shared.connectors.salesforce.ids import is_record_id, same_id
from shared.connectors.salesforce.settings import SalesforceSettings
from shared.errors import RequestRejectedError
from shared.models.systems import SystemSettings

TOKEN_PARAMETER = "token"  # noqa: S105 - the query parameter's name
MAX_SOBJECT_NAME = 80
# API names: a letter, then letters, digits and single underscores (custom: __c, __e ...)
_SOBJECT = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_)|__(?=[a-z]+$))*(?:__[a-z]+)?$")


class OutboundMessageWebhook:
    def authenticate(self, request: InboundRequest, secrets: WebhookSecrets) -> None:
        token = request.query.get(TOKEN_PARAMETER)
        if not token:
            raise RequestRejectedError(401, "missing token query parameter")
        if not any(
            hmac.compare_digest(token.encode(), known.encode())
            for known in secrets.webhook_tokens()
        ):
            raise RequestRejectedError(403, "token does not match this connection")

    def notices(self, request: InboundRequest, settings: SystemSettings) -> list[Notice]:
        assert isinstance(settings, SalesforceSettings)
        try:
            message = outbound.parse(request.body)
        except outbound.OutboundMessageError as exc:
            raise RequestRejectedError(400, f"not a Salesforce outbound message: {exc}") from exc
        if message.organization_id[:15] != settings.org_id[:15]:
            raise RequestRejectedError(403, "OrganizationId does not match this connection")
        for position, n in enumerate(message.notifications, start=1):
            _check(position, n)
        return [
            Notice(
                object=n.sobject_type,
                record_id=n.record_id,
                source_event_id=n.notification_id,
                # as the poller writes versions: a webhook and a poll of one version dedup
                version=n.system_modstamp.isoformat() if n.system_modstamp else None,
                created=n.created,
                by_others=settings.integration_user_id is not None and bool(n.last_modified_by),
            )
            for n in message.notifications
            if not _ours(n, settings.integration_user_id)
        ]

    def answer(self, accepted: int) -> Answer:
        return Answer(status=200, content_type="text/xml; charset=utf-8", body=outbound.ACK)


def _ours(notification: outbound.Notification, integration_user_id: str | None) -> bool:
    """Our own write coming back: the record was last modified by the integration user
    (ids compared on their case-sensitive 15-character form)."""
    return same_id(notification.last_modified_by, integration_user_id)


def _check(position: int, notification: outbound.Notification) -> None:
    """Salesforce never sends a malformed notification: one that is, is forged or broken,
    and the whole envelope is refused before anything is queued."""
    name = notification.sobject_type
    if len(name) > MAX_SOBJECT_NAME or not _SOBJECT.match(name):
        raise RequestRejectedError(400, f"notification {position}: not an sObject type name")
    if not is_record_id(notification.record_id):
        raise RequestRejectedError(400, f"notification {position}: not a Salesforce record id")
