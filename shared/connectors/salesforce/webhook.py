"""Salesforce outbound messages at our door: verify, parse, answer.

Outbound messages cannot sign, so the endpoint URL carries the connection's secret token
(``?token=``), and the envelope's OrganizationId must be the connection's org. The answer is
the SOAP Ack Salesforce waits for (without it, it retries for 24 hours).
"""

from __future__ import annotations

import hmac

from shared.connectors.plugin import Answer, InboundRequest, Notice, WebhookSecrets
from shared.connectors.salesforce import outbound
from shared.connectors.salesforce.settings import SalesforceSettings
from shared.errors import RequestRejectedError
from shared.models.systems import SystemSettings

TOKEN_PARAMETER = "token"  # noqa: S105 - the query parameter's name


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
        return [
            Notice(
                object=n.sobject_type,
                record_id=n.record_id,
                source_event_id=n.notification_id,
                # as the poller writes versions: a webhook and a poll of one version dedup
                version=n.system_modstamp.isoformat() if n.system_modstamp else None,
            )
            for n in message.notifications
        ]

    def answer(self, accepted: int) -> Answer:
        return Answer(status=200, content_type="text/xml; charset=utf-8", body=outbound.ACK)
