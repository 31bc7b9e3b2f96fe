"""The "Create Project" buttons (on opportunities and on contracts), checked at the door:
project sync must be on, the record must exist, an opportunity must be won, and a project
needs the record's account (its customer). A refusal is answered at once (4xx, reason)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.connectors.salesforce.ids import is_record_id
from shared.errors import PermanentError, RequestRejectedError, ValidationFailedError
from shared.messages import Msg, say
from shared.models.workflows import WorkflowRequest
from shared.pairs.plugin import Action, ActionAccept, PairContext
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.project_creation import (
    CONTRACT,
    OPPORTUNITY,
    WORKFLOW,
    Subject,
    check_subject,
)


def _accept(subject: Subject, param: str) -> ActionAccept:
    def accept(
        ctx: PairContext, params: Mapping[str, str], request: WorkflowRequest
    ) -> WorkflowRequest:
        record_id = params[param]
        if not is_record_id(record_id):
            raise RequestRejectedError(
                400,
                say(
                    Msg.NOT_A_RECORD_ID, value=record_id, system="Salesforce", object=subject.label
                ),
            )
        connection = ctx.connection
        assert isinstance(connection, SalesforceIntacctConnection)
        if not connection.projects.enabled:
            raise RequestRejectedError(409, say(Msg.PROJECT_SYNC_OFF))
        try:
            record = ctx.crm.fetch(subject.sobject, record_id, list(subject.fields))
        except PermanentError as exc:  # transient failures are the door's (503)
            raise RequestRejectedError(
                502, say(Msg.CRM_UNREADABLE, system="Salesforce", reason=exc.reason)
            ) from exc
        if record is None:
            raise RequestRejectedError(
                404, say(Msg.PROJECT_SUBJECT_NOT_FOUND, object=subject.label, id=record_id)
            )
        try:
            check_subject(subject, record, connection.projects.won_stage_only)
        except ValidationFailedError as exc:
            raise RequestRejectedError(409, exc.reason) from exc
        return request.model_copy(
            update={
                "subject": record.ref,
                "subject_version": record.modified_at.isoformat() if record.modified_at else None,
            }
        )

    return accept


ACTIONS: tuple[Action, ...] = (
    Action(
        route="opportunities/{opportunity_id}/project",
        workflow=WORKFLOW,
        subject_object=OPPORTUNITY.sobject,
        subject_param="opportunity_id",
        accept=_accept(OPPORTUNITY, "opportunity_id"),
    ),
    Action(
        route="contracts/{contract_id}/project",
        workflow=WORKFLOW,
        subject_object=CONTRACT.sobject,
        subject_param="contract_id",
        accept=_accept(CONTRACT, "contract_id"),
    ),
)
