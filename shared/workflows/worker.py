"""One message of workflows.fifo: a button a CRM user pressed."""

from __future__ import annotations

from shared.models.workflows import ContractSyncRequest
from shared.queue_worker import QueueWorker
from shared.workflows.contracts import ContractOutcome, ContractWorkflow


class WorkflowWorker(QueueWorker[ContractSyncRequest, ContractOutcome]):
    queue = "workflows"
    result_type = ContractOutcome
    message_type = ContractSyncRequest

    def run(self, message: ContractSyncRequest) -> ContractOutcome:
        runtime = self.runtime
        connection = runtime.connections.get(message.connection_id)
        pair = runtime.pair(connection)
        workflow = ContractWorkflow(
            connection,
            pair.salesforce,
            pair.intacct,
            runtime.links,
            runtime.audit,
            runtime.metrics,
            runtime.engine(connection),
        )
        return workflow.run(message)
