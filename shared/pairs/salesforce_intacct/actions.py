"""The buttons of the Salesforce <-> Intacct pair, checked at the door before anything is
queued: a refusal the user can act on is answered at once (4xx with the reason)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.connectors.salesforce.ids import is_record_id
from shared.errors import PermanentError, RequestRejectedError
from shared.messages import Msg, say
from shared.models.workflows import WorkflowRequest
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct import transaction_fields as tf
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection


def accept_contract_sync(
    ctx: PairContext, params: Mapping[str, str], request: WorkflowRequest
) -> WorkflowRequest:
    """ "Sync to Intacct" on a contract: it must exist and be Activated."""
    contract_id = params["contract_id"]
    if not is_record_id(contract_id):
        raise RequestRejectedError(
            400, say(Msg.NOT_A_RECORD_ID, value=contract_id, system="Salesforce", object="contract")
        )
    connection = ctx.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    if not connection.contracts.enabled:
        raise RequestRejectedError(409, say(Msg.CONTRACT_SYNC_OFF))
    try:
        contract = ctx.crm.fetch("Contract", contract_id, ["Status", "ContractNumber"])
    except PermanentError as exc:  # transient failures are the door's (503 with Retry-After)
        raise RequestRejectedError(
            502, say(Msg.CRM_UNREADABLE, system="Salesforce", reason=exc.reason)
        ) from exc
    if contract is None:
        raise RequestRejectedError(404, say(Msg.CONTRACT_NOT_FOUND, contract=contract_id))
    status = contract.get("Status")
    if status != "Activated":
        raise RequestRejectedError(
            409,
            say(
                Msg.CONTRACT_NOT_ACTIVATED,
                contract=contract.get("ContractNumber") or contract_id,
                status=status,
            ),
        )
    return request.model_copy(
        update={
            "subject": contract.ref,
            "subject_version": contract.modified_at.isoformat() if contract.modified_at else None,
        }
    )


def accept_sales_transaction(
    ctx: PairContext, params: Mapping[str, str], request: WorkflowRequest
) -> WorkflowRequest:
    """ "Create Sales Order" on an opportunity: it must exist, be of the connection's record
    type and be won (unless the connection allows open ones)."""
    opportunity_id = params["opportunity_id"]
    if not is_record_id(opportunity_id):
        raise RequestRejectedError(
            400,
            say(
                Msg.NOT_A_RECORD_ID, value=opportunity_id, system="Salesforce", object="opportunity"
            ),
        )
    connection = ctx.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    settings = connection.transactions
    try:
        found = ctx.crm.fetch("Opportunity", opportunity_id, tf.OPPORTUNITY_FIELDS)
    except PermanentError as exc:  # transient failures are the door's (503 with Retry-After)
        raise RequestRejectedError(
            502, say(Msg.CRM_UNREADABLE, system="Salesforce", reason=exc.reason)
        ) from exc
    if found is None:
        raise RequestRejectedError(404, say(Msg.OPPORTUNITY_NOT_FOUND, opportunity=opportunity_id))
    name = str(found.get("Name") or opportunity_id)
    if not tf.allowed_record_type(found.fields, settings.record_type):
        raise RequestRejectedError(
            409,
            say(
                Msg.OPPORTUNITY_WRONG_RECORD_TYPE,
                name=name,
                id=opportunity_id,
                kind=found.get("RecordType.Name") or "no record type",
                allowed=settings.record_type,
                produces="sales transactions",
            ),
        )
    if not found.get("IsWon") and not settings.allow_open:
        raise RequestRejectedError(
            409,
            say(
                Msg.OPPORTUNITY_NOT_WON,
                name=name,
                stage=found.get("StageName"),
                produces="sales transactions",
            ),
        )
    return request.model_copy(
        update={
            "subject": found.ref,
            "subject_version": found.modified_at.isoformat() if found.modified_at else None,
        }
    )
