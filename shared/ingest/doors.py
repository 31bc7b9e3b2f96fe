"""What happens at each door of the API, independent of API Gateway's event shape and of
any vendor: a webhook is handed to its system's plug-in, an action to the connection's pair.

``/webhooks/{connection_id}/{system}``: the system's plug-in verifies the caller, reads the
notices and shapes the answer; each notice of a mapped object becomes a ChangeEvent.
``/actions/{connection_id}/{path}``: signed with the connection's action secret; the pair's
action for ``path`` checks the request, which then goes onto its workflow's queue.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import ValidationError

from shared import deadlines
from shared.connectors.plugin import Answer, InboundRequest, Notice, Webhook
from shared.connectors.registry import UnknownSystemError, system
from shared.errors import ConfigurationError, RequestRejectedError, RetryableError
from shared.ingest import known_changes, signatures
from shared.mapping.fields import Side
from shared.messages import Msg, say
from shared.models.connection import Connection, ConnectionSecrets
from shared.models.events import ChangeEvent, RecordRef
from shared.models.workflows import WorkflowRequest
from shared.observability import BusinessMetric, count
from shared.pairs.catalog import MappingCatalog, UnmappedObjectError
from shared.pairs.registry import pair_of
from shared.runtime import Runtime
from shared.topology import CHANGES, function, workflow_queue

MAX_BODY_BYTES = 1_000_000
_PATH_VALUE = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
_CONNECTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# An action's check may read the CRM: it must be done well before the door's function times
# out (and long before API Gateway's 29 s), whatever the CRM's pace.
ACTION_CHECK_BUDGET_S = function("webhook_ingest").timeout_s - 2 * deadlines.RESERVE_S
RETRY_AFTER_S = 60  # what a caller is told to wait when the CRM is unavailable


class _NoSecrets:
    """Stands in for an unknown connection's secrets: nothing matches, so an unknown
    connection and wrong credentials get the same answer."""

    def webhook_tokens(self) -> tuple[str, ...]:
        return ()

    def action_secrets(self) -> tuple[str, ...]:
        return ()


def door_secrets(runtime: Runtime, connection_id: str) -> ConnectionSecrets | _NoSecrets:
    """The connection's secrets, read before anything else about it."""
    if not _CONNECTION_ID.match(connection_id):
        return _NoSecrets()
    try:
        return runtime.secrets.get(connection_id)
    except ConfigurationError:
        return _NoSecrets()


def load_connection(runtime: Runtime, connection_id: str) -> Connection:
    """After authentication: the connection's configuration."""
    try:
        connection = runtime.connections.get(connection_id)
    except ConfigurationError as exc:
        raise RequestRejectedError(409, f"connection misconfigured: {exc.reason}") from exc
    if not connection.enabled:
        raise RequestRejectedError(409, f"connection '{connection_id}' is disabled")
    return connection


def _webhook(name: str) -> Webhook:
    try:
        webhook = system(name).webhook
    except UnknownSystemError as exc:
        raise RequestRejectedError(404, exc.reason) from exc
    if webhook is None:
        raise RequestRejectedError(404, f"no webhooks for system '{name}'")
    return webhook


def accept_webhook(
    runtime: Runtime,
    connection_id: str,
    system_name: str,
    request: InboundRequest,
    correlation_id: str,
) -> Answer:
    """Check a change notification and queue one ChangeEvent per notice; the system's
    acknowledgment comes back. The caller is authenticated first: an unknown connection
    and a wrong token get the same answer (403; a missing token 401)."""
    try:
        if len(request.body) > MAX_BODY_BYTES:
            raise RequestRejectedError(413, "body larger than 1 MB")
        webhook = _webhook(system_name)
        webhook.authenticate(request, door_secrets(runtime, connection_id))
        connection = load_connection(runtime, connection_id)
        if system_name not in (connection.crm.system, connection.erp.system):
            raise RequestRejectedError(404, f"no webhooks for system '{system_name}'")
        side = connection.side_of(system_name)
        notices = webhook.notices(request, connection.settings(side))
        events = _events(connection, system_name, notices, correlation_id)
        events = known_changes.worth_queueing(runtime, connection, notices, events)
    except RequestRejectedError:
        count(runtime.metrics, BusinessMetric.WEBHOOK_REJECTED)
        raise
    sent = runtime.publisher(CHANGES.key).publish(events)
    count(runtime.metrics, BusinessMetric.WEBHOOK_ACCEPTED, sent)
    return webhook.answer(sent)


def _events(
    connection: Connection, system_name: str, notices: list[Notice], correlation_id: str
) -> list[ChangeEvent]:
    try:
        catalog = MappingCatalog.for_connection(connection)
    except ConfigurationError as exc:
        raise RequestRejectedError(409, f"connection misconfigured: {exc.reason}") from exc
    pair = pair_of(connection)
    triggered = {t.object for t in pair.triggers}
    # The objects the pair syncs by default: one this connection does not map has been
    # switched off (projects with projects.enabled false), and its notifications are
    # acknowledged and dropped, or the system would send them again for a day
    by_default = {
        m.object_on(side)
        for m in pair.mappings.values()
        for side in Side
        if connection.settings(side).system == system_name
    }
    events = []
    for position, notice in enumerate(notices, start=1):
        try:
            ref = RecordRef(system=system_name, object=notice.object, record_id=notice.record_id)
            if ref.object not in triggered and not catalog.maps(ref):
                if ref.object in by_default:
                    continue  # switched off
                catalog.for_ref(ref)  # refused with the reason
            events.append(
                ChangeEvent(
                    connection_id=connection.connection_id,
                    ref=ref,
                    source="webhook",
                    source_event_id=notice.source_event_id,
                    version=notice.version,
                    created=notice.created,
                    correlation_id=correlation_id,
                )
            )
        except UnmappedObjectError as exc:
            raise RequestRejectedError(400, exc.reason) from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(map(str, err["loc"]))
            raise RequestRejectedError(
                400, f"notification {position}: {field}: {err['msg']}"
            ) from exc
    return events


def unavailable(
    system_name: str, reason: str, retry_after_s: int = RETRY_AFTER_S
) -> RequestRejectedError:
    """The system a door must read is down, slow or paused. 503 with Retry-After is the
    honest answer (RFC 9110 15.6.4: temporarily unable, come back later): the request is
    valid, so no 4xx may blame the caller (429 would say *they* sent too many, 409 that the
    record conflicts), and it is not our defect, so not 500. Nothing was queued."""
    return RequestRejectedError(
        503, say(Msg.SYSTEM_UNAVAILABLE, system=system_name, reason=reason), retry_after_s
    )


def refuse_if_paused(runtime: Runtime, connection: Connection, system: str) -> None:
    """A system paused for an outage (shared/outages.py) is not asked: answer when to
    retry (when the outage is next probed, at least RETRY_AFTER_S)."""
    for pause in runtime.outages.paused(connection.connection_id):
        if pause.system == system:
            wait = (pause.probe_at - runtime.clock()).total_seconds()
            raise unavailable(pause.system, pause.reason.value, max(RETRY_AFTER_S, int(wait)))


def accept_action(
    runtime: Runtime,
    connection_id: str,
    path: str,
    signature: str | None,
    body: bytes,
    now: float,
    correlation_id: str,
) -> WorkflowRequest:
    """A CRM button: check the signature, let the pair's action check the request, then
    queue it on its workflow's queue (answered 202 by the caller)."""
    try:
        if len(body) > MAX_BODY_BYTES:
            raise RequestRejectedError(413, "body larger than 1 MB")
        secrets = door_secrets(runtime, connection_id)
        route = f"actions/{connection_id}/{path.strip('/')}"
        signatures.verify(signature, secrets.action_secrets(), body, now, route)
        connection = load_connection(runtime, connection_id)
        found = pair_of(connection).action_for(path)
        if found is None:
            raise RequestRejectedError(404, say(Msg.NO_SUCH_ACTION, path=path[:100]))
        action, params = found
        subject_id = params[action.subject_param]
        if not _PATH_VALUE.match(subject_id):
            raise RequestRejectedError(
                400,
                say(
                    Msg.NOT_A_RECORD_ID,
                    value=subject_id[:40],
                    system=connection.crm.system,
                    object=action.subject_object,
                ),
            )
        press = {"press": _press(path, signature)} if action.per_request and signature else {}
        request = WorkflowRequest(
            workflow=action.workflow,
            connection_id=connection_id,
            subject=RecordRef(
                system=connection.crm.system, object=action.subject_object, record_id=subject_id
            ),
            params=press,
            correlation_id=correlation_id,
        )
        refuse_if_paused(runtime, connection, connection.crm.system)
        try:
            with deadlines.bounded(deadlines.Deadline.after(ACTION_CHECK_BUDGET_S)):
                request = action.accept(runtime.context(connection), params, request)
        except RetryableError as exc:
            raise unavailable(connection.crm.system, exc.reason) from exc
    except RequestRejectedError:
        count(runtime.metrics, BusinessMetric.ACTION_REFUSED)
        raise
    runtime.publisher(workflow_queue(action.workflow).key).publish([request])
    count(runtime.metrics, BusinessMetric.ACTION_ACCEPTED)
    return request


def _press(path: str, signature: str) -> str:
    """One signed request's name: its path and its signature (which covers the route, the
    body and the timestamp)."""
    return hashlib.sha256(f"{path.strip('/')}|{signature}".encode()).hexdigest()[:32]
