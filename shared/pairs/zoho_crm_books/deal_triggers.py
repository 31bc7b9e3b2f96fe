"""Deal triggers: a deal's stage sets off a Books document (``deal_trigger``,
:mod:`.deal_settings`).

:func:`transition_for` decides, from a deal's current stage alone, which transition it
stands at (create / accept / decline an estimate, create / void an invoice, or none).
:func:`deal_requests` turns changed deals into requests on the ``deal_documents`` queue; a
request names the transition and the deal's ``Modified_Time``, so the repeats of one change
(a notification delivered twice, a poll that sees it again) are one message, and the
workflow (:mod:`.deal_documents`) re-reads the deal and acts only if it still stands at that
transition, then only on what Books does not show done yet. That is what makes each
transition fire once: a reordered notification reads the same fresh deal, a later change
of the same stage finds its document already made, accepted or void, and a create whose
answer was lost is found again by its reference (:mod:`.deal_references`).

:func:`poll_deals` is the pair's ``trigger_workflows`` job: deals changed since its cursor
(``Modified_Time``, overlapping), the safety net under the CRM's notifications. Its first
run only starts the cursor, so turning a trigger on never acts on deals that moved before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.mapping.fields import Side
from shared.models.connection import Connection
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowRequest
from shared.pairs.plugin import PairContext, Trigger
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.deal_settings import DealTrigger
from shared.runtime import get_runtime
from shared.state.cursors import PollCursor
from shared.topology import workflow_queue

WORKFLOW = "deal_documents"
DEALS = "Deals"
CURSOR_SYSTEM = "zoho_crm-triggers"
FIELDS = ("Deal_Name", "Stage", "Account_Name", "Closing_Date")


class Transition(StrEnum):
    ESTIMATE_CREATE = "estimate_create"
    ESTIMATE_ACCEPT = "estimate_accept"
    ESTIMATE_DECLINE = "estimate_decline"
    INVOICE_CREATE = "invoice_create"
    INVOICE_VOID = "invoice_void"


def transition_for(connection: ZohoCrmBooksConnection, stage: Any) -> Transition | None:
    """The transition a deal at ``stage`` stands at under the connection's trigger."""
    stages = connection.deal_stages
    if connection.deal_trigger is DealTrigger.INVOICE_BY_OUTCOME:
        if stage == stages.won:
            return Transition.INVOICE_CREATE
        if stage in stages.lost:
            return Transition.INVOICE_VOID
    elif connection.deal_trigger is DealTrigger.ESTIMATE_BY_STAGE:
        return {
            stages.estimate_create: Transition.ESTIMATE_CREATE,
            stages.estimate_accept: Transition.ESTIMATE_ACCEPT,
            stages.estimate_decline: Transition.ESTIMATE_DECLINE,
        }.get(str(stage))
    return None


def press_of(transition: Transition, deal_id: str, version: str) -> str:
    basis = f"{transition}|{deal_id}|{version}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def deal_requests(connection: Connection, records: Sequence[SourceRecord]) -> list[WorkflowRequest]:
    """The requests changed deals set off: one per deal standing at a transition."""
    assert isinstance(connection, ZohoCrmBooksConnection)
    requests = []
    for record in records:
        transition = transition_for(connection, record.get("Stage"))
        if transition is None:
            continue
        version = record.modified_at.isoformat() if record.modified_at else ""
        requests.append(
            WorkflowRequest(
                workflow=WORKFLOW,
                connection_id=connection.connection_id,
                subject=record.ref,
                subject_version=f"{transition}@{version}",
                params={
                    "transition": transition.value,
                    "press": press_of(transition, record.key, version),
                },
            )
        )
    return requests


# The pair's trigger: the change path calls it for each changed deal (CRM notifications);
# the trigger_workflows schedule feeds it from the deals' change stamps too.
DEAL_TRIGGER = Trigger(side=Side.CRM, object=DEALS, fields=FIELDS, requests=deal_requests)


def watched_modules(connection: Connection) -> tuple[str, ...]:
    """The CRM modules the notification channel must watch for the triggers."""
    assert isinstance(connection, ZohoCrmBooksConnection)
    return (DEALS,) if connection.deal_trigger is not DealTrigger.NONE else ()


def poll_deals(ctx: PairContext) -> Mapping[str, Any] | None:
    """The scheduled job: queue the requests of deals changed since the last run."""
    connection = ctx.connection
    assert isinstance(connection, ZohoCrmBooksConnection)
    assert isinstance(ctx.crm, ZohoCrmConnector)
    if connection.deal_trigger is DealTrigger.NONE:
        return None
    conn_id = connection.connection_id
    cursor = ctx.cursors.get(conn_id, CURSOR_SYSTEM, DEALS)
    if cursor.since is None:
        ctx.cursors.put(conn_id, CURSOR_SYSTEM, DEALS, PollCursor(since=datetime.now(UTC)))
        return {"queued": 0}
    since = cursor.since - timedelta(seconds=connection.poll_overlap_s)
    records = list(ctx.crm.changed_since(DEALS, since, FIELDS, connection.poll_page_size))
    requests = DEAL_TRIGGER.requests(connection, records)
    if requests:
        get_runtime().publisher(workflow_queue(WORKFLOW).key).publish(requests)
    _advance(ctx, cursor, records)
    return {"queued": len(requests)}


def _advance(ctx: PairContext, cursor: PollCursor, records: Iterable[SourceRecord]) -> None:
    stamps = [r.modified_at for r in records if r.modified_at is not None]
    if stamps and cursor.since is not None and max(stamps) > cursor.since:
        ctx.cursors.put(
            ctx.connection.connection_id,
            CURSOR_SYSTEM,
            DEALS,
            cursor.model_copy(update={"since": max(stamps)}),
        )
