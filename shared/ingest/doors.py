"""What happens at each door of the API, independent of API Gateway's event shape."""

from __future__ import annotations

import re

from shared.errors import ConfigurationError, LedgerlinkError
from shared.ingest import signatures
from shared.ingest.rejections import RequestRejectedError
from shared.ingest.salesforce_webhook import check_token, events_from_outbound_message
from shared.models.connection import Connection, ConnectionSecrets
from shared.models.workflows import SALESFORCE_ID, ContractSyncRequest
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


def load_secrets(runtime: Runtime, connection_id: str) -> ConnectionSecrets:
    try:
        return runtime.secrets.get(connection_id)
    except ConfigurationError as exc:
        raise RequestRejectedError(409, exc.reason) from exc


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
        check_token(load_secrets(runtime, connection_id), token)
        events = events_from_outbound_message(connection, body)
    except RequestRejectedError:
        count(runtime.metrics, BusinessMetric.WEBHOOK_REJECTED)
        raise
    sent = runtime.publisher("changes").publish(events)
    count(runtime.metrics, BusinessMetric.WEBHOOK_ACCEPTED, sent)
    return sent


def accept_contract_sync(
    runtime: Runtime,
    connection_id: str,
    contract_id: str,
    signature: str | None,
    body: bytes,
    now: float,
) -> ContractSyncRequest:
    """ "Sync to Intacct": check the signature and that the contract is Activated, then
    queue the work for create_contract (answered 202 by the caller)."""
    try:
        if not re.match(SALESFORCE_ID, contract_id):
            raise RequestRejectedError(400, f"'{contract_id}' is not a Salesforce contract id")
        connection = load_connection(runtime, connection_id)
        secrets = load_secrets(runtime, connection_id)
        signatures.verify(signature, secrets.action_secret.get_secret_value(), body, now)
        if not connection.contracts.enabled:
            raise RequestRejectedError(409, "contract sync is turned off for this connection")
        try:
            contract = runtime.systems(connection).crm.fetch(
                "Contract", contract_id, ["Status", "ContractNumber"]
            )
        except LedgerlinkError as exc:
            raise RequestRejectedError(502, f"Salesforce could not be read: {exc.reason}") from exc
        if contract is None:
            raise RequestRejectedError(404, f"Salesforce has no contract {contract_id}")
        status = contract.get("Status")
        if status != "Activated":
            raise RequestRejectedError(
                409,
                f"contract {contract.get('ContractNumber') or contract_id} is {status}: "
                "only Activated contracts can be synced to Intacct",
            )
    except RequestRejectedError:
        count(runtime.metrics, BusinessMetric.CONTRACT_REFUSED)
        raise
    request = ContractSyncRequest(
        connection_id=connection_id,
        contract_id=contract.key,
        contract_version=contract.modified_at.isoformat() if contract.modified_at else None,
    )
    runtime.publisher("workflows").publish([request])
    count(runtime.metrics, BusinessMetric.ACTION_ACCEPTED)
    return request
