"""What happens at each door of the API, independent of API Gateway's event shape."""

from __future__ import annotations

from shared.errors import ConfigurationError
from shared.ingest.rejections import RequestRejectedError
from shared.ingest.salesforce_webhook import check_token, events_from_outbound_message
from shared.models.connection import Connection
from shared.observability import BusinessMetric, count
from shared.runtime import Runtime
from shared.state.connections import UnknownConnectionError

MAX_BODY_BYTES = 1_000_000
WEBHOOK_SYSTEMS = ("salesforce",)


def load_connection(runtime: Runtime, connection_id: str) -> Connection:
    try:
        connection = runtime.connections.get(connection_id)
    except UnknownConnectionError as exc:
        raise RequestRejectedError(404, exc.reason) from exc
    if not connection.enabled:
        raise RequestRejectedError(409, f"connection '{connection_id}' is disabled")
    return connection


def accept_webhook(
    runtime: Runtime, connection_id: str, system: str, token: str | None, body: bytes
) -> int:
    """Check and enqueue a change notification; returns the number of events enqueued."""
    try:
        if system not in WEBHOOK_SYSTEMS:
            raise RequestRejectedError(404, f"no webhooks for system '{system}'")
        if len(body) > MAX_BODY_BYTES:
            raise RequestRejectedError(413, "body larger than 1 MB")
        connection = load_connection(runtime, connection_id)
        try:
            secrets = runtime.secrets.get(connection_id)
        except ConfigurationError as exc:
            raise RequestRejectedError(409, exc.reason) from exc
        check_token(secrets, token)
        events = events_from_outbound_message(connection, body)
    except RequestRejectedError:
        count(runtime.metrics, BusinessMetric.WEBHOOK_REJECTED)
        raise
    sent = runtime.publisher("changes").publish(events)
    count(runtime.metrics, BusinessMetric.WEBHOOK_ACCEPTED, sent)
    return sent
