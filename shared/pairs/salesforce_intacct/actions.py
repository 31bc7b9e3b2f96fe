"""The buttons of the Salesforce <-> Intacct pair, checked at the door before anything is
queued: a refusal the user can act on is answered at once (4xx with the reason)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.connectors.salesforce.ids import is_record_id
from shared.errors import PermanentError, RequestRejectedError
from shared.messages import Msg, say
from shared.models.workflows import WorkflowRequest
from shared.pairs.plugin import PairContext
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
