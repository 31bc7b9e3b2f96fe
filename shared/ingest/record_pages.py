"""The third door of the API: ``GET /open/{connection_id}/{page}/{key}?sig=``, a link ledgerlink
wrote into a record (shared/ingest/record_links.py), followed by a person.

The signature is checked before anything else about the connection is read (an unknown
connection is answered like a wrong signature); then the pair's page (``record_pages``)
says which record of which side to read and which of its fields holds its page in that
system; one read of that one field (for Intacct, one billed ``query``) and the answer is a
303 to that URL. Every refusal is a 4xx naming its reason: no signature 401, a signature
that does not match 403, a page the pair does not know or a record that no longer exists
404, a disabled connection or one whose system refuses our credentials 409. The one 5xx
is 503 with Retry-After when the system holding the record is unavailable or paused
(shared/outages.py), answered as the action door answers it (shared/ingest/doors.py).
"""

from __future__ import annotations

from shared import deadlines
from shared.connectors.base import SupportsWhereIn
from shared.errors import (
    ConfigurationError,
    PermanentError,
    RequestRejectedError,
    RetryableError,
)
from shared.ingest import record_links
from shared.ingest.doors import door_secrets, load_connection, refuse_if_paused, unavailable
from shared.models.connection import Connection
from shared.observability import BusinessMetric, count
from shared.pairs.plugin import RecordPage
from shared.pairs.registry import pair_of
from shared.runtime import Runtime
from shared.topology import function

# The read must end well inside the door's function timeout (and API Gateway's 29 s).
OPEN_BUDGET_S = function("webhook_ingest").timeout_s - 2 * deadlines.RESERVE_S


def open_record(runtime: Runtime, connection_id: str, page: str, key: str, sig: str | None) -> str:
    """The URL of the record's page in its system, for a link we made: the caller answers
    303 with it as Location."""
    try:
        record_links.check_parts(page, key)
        secrets = door_secrets(runtime, connection_id)
        record_links.verify(sig, secrets.action_secrets(), connection_id, page, key)
        connection = load_connection(runtime, connection_id)
        target = pair_of(connection).record_pages.get(page)
        if target is None:
            raise RequestRejectedError(404, f"no record page '{page}' for this connection")
        system_name = connection.settings(target.side).system
        refuse_if_paused(runtime, connection, system_name)
        url = _page_url(runtime, connection, target, key, system_name)
    except RequestRejectedError:
        count(runtime.metrics, BusinessMetric.ACTION_REFUSED)
        raise
    return url


def _page_url(
    runtime: Runtime, connection: Connection, target: RecordPage, key: str, system_name: str
) -> str:
    try:
        connector = runtime.sides(connection).on(target.side)
    except ConfigurationError as exc:
        raise RequestRejectedError(409, f"connection misconfigured: {exc.reason}") from exc
    if not isinstance(connector, SupportsWhereIn):
        raise RequestRejectedError(404, f"{system_name} records cannot be opened by link")
    try:
        with deadlines.bounded(deadlines.Deadline.after(OPEN_BUDGET_S)):
            found = connector.fetch_where_in(
                target.object, target.key_field, [key], [target.url_field]
            )
    except RetryableError as exc:
        raise unavailable(system_name, exc.reason) from exc
    except PermanentError as exc:  # e.g. credentials refused: nothing the caller can change
        raise RequestRejectedError(409, f"{system_name} refused the read: {exc.reason}") from exc
    if not found:
        raise RequestRejectedError(
            404, f"{system_name} {target.object} {key} no longer exists (deleted or merged)"
        )
    url = str(found[0].get(target.url_field) or "")
    if not url.startswith(("https://", "http://")):
        raise RequestRejectedError(404, f"{system_name} {target.object} {key} has no page")
    return url
