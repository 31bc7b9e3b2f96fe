"""``transactions.on_closed_won``: an opportunity reaching Closed Won creates its sales
transaction with no button (the seed's "straight to an invoice" with approvals in
Salesforce).

:func:`won_requests` decides, from changed opportunities, which requests to queue: won, of
the connection's record type, never tried (no Intacct transaction or status yet: after a
refusal the user fixes the cause and presses the button). Each opportunity gets one
automatic press whatever repeats (its press key is derived from the opportunity alone), so
the workflow's idempotency makes at most one document of it.

:func:`trigger_workflows` is the pair's scheduled job that feeds it: opportunities changed
since the cursor (SystemModstamp, overlapping), as the poller reads any object. The first
run only starts the cursor, so turning the setting on never creates documents for
opportunities won before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.connectors.salesforce.connector import SalesforceConnector
from shared.mapping.fields import Side
from shared.models.connection import Connection
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowRequest
from shared.pairs.plugin import PairContext, Trigger
from shared.pairs.salesforce_intacct import transaction_fields as tf
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.sales_transactions import WORKFLOW
from shared.runtime import get_runtime
from shared.state.cursors import PollCursor
from shared.topology import workflow_queue

CURSOR_SYSTEM = "salesforce-triggers"
CLOSED_WON = "closed-won"
FIELDS = (*tf.OPPORTUNITY_FIELDS, "Intacct_Transaction_Number__c", "Intacct_Transaction_Status__c")


def press_on_won(opportunity_id: str) -> str:
    return hashlib.sha256(f"{CLOSED_WON}|{opportunity_id}".encode()).hexdigest()[:32]


def won_requests(connection: Connection, records: Iterable[SourceRecord]) -> list[WorkflowRequest]:
    """The requests Closed Won sets off among ``records`` (changed opportunities)."""
    assert isinstance(connection, SalesforceIntacctConnection)
    settings = connection.transactions
    if not settings.on_closed_won:
        return []
    return [
        WorkflowRequest(
            workflow=WORKFLOW,
            connection_id=connection.connection_id,
            subject=record.ref,
            subject_version=CLOSED_WON,
            params={"press": press_on_won(record.key)},
        )
        for record in records
        if _due(record.fields, settings.record_type)
    ]


# The pair's trigger: the change path may call it for each changed opportunity; until it
# does, the trigger_workflows schedule below feeds it from the opportunities' change stamps.
CLOSED_WON_TRIGGER = Trigger(
    side=Side.CRM, object="Opportunity", fields=FIELDS, requests=won_requests
)


def _due(fields: Mapping[str, Any], record_type: str) -> bool:
    return (
        bool(fields.get("IsWon"))
        and not fields.get("Intacct_Transaction_Number__c")
        and not fields.get("Intacct_Transaction_Status__c")  # tried already: the button's now
        and tf.allowed_record_type(fields, record_type)
    )


def trigger_workflows(ctx: PairContext) -> dict[str, int] | None:
    """The scheduled job: queue the requests of opportunities won since the last run."""
    connection = ctx.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    assert isinstance(ctx.crm, SalesforceConnector)
    if not connection.transactions.on_closed_won:
        return None
    conn_id = connection.connection_id
    cursor = ctx.cursors.get(conn_id, CURSOR_SYSTEM, "Opportunity")
    if cursor.since is None:
        ctx.cursors.put(conn_id, CURSOR_SYSTEM, "Opportunity", PollCursor(since=datetime.now(UTC)))
        return {"queued": 0}
    since = cursor.since - timedelta(seconds=connection.poll_overlap_s)
    records = list(ctx.crm.changed_since("Opportunity", since, FIELDS, connection.poll_page_size))
    requests = CLOSED_WON_TRIGGER.requests(connection, records)
    if requests:
        get_runtime().publisher(workflow_queue(WORKFLOW).key).publish(requests)
    stamps = [r.modified_at for r in records if r.modified_at is not None]
    if stamps and max(stamps) > cursor.since:
        ctx.cursors.put(
            conn_id, CURSOR_SYSTEM, "Opportunity", cursor.model_copy(update={"since": max(stamps)})
        )
    return {"queued": len(requests)}
