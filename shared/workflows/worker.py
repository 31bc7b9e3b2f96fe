"""One message of a workflow's queue: the request runs in the connection's pair.

Each workflow function names its workflow (``functions/create_contract`` runs ``contracts``);
which code does the work is the pair's (shared/pairs/<pair>/), picked by the connection.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.errors import ConfigurationError
from shared.models.workflows import WorkflowOutcome, WorkflowRequest
from shared.observability import logger
from shared.pairs.registry import pair_of
from shared.queue_worker import QueueWorker
from shared.runtime import Runtime
from shared.topology import workflow_queue


class WorkflowWorker(QueueWorker[WorkflowRequest, WorkflowOutcome]):
    result_type = WorkflowOutcome
    message_type = WorkflowRequest

    def __init__(
        self, runtime: Runtime, workflow: str, lambda_context: LambdaContext | None = None
    ) -> None:
        super().__init__(runtime, lambda_context)
        self.workflow = workflow
        self.queue = workflow_queue(workflow).key

    def run(self, message: WorkflowRequest) -> WorkflowOutcome:
        if message.workflow != self.workflow:
            raise ConfigurationError(
                f"a {message.workflow} request reached the {self.workflow} queue"
            )
        connection = self.runtime.connections.get(message.connection_id)
        work = pair_of(connection).workflows.get(self.workflow)
        if work is None:
            raise ConfigurationError(f"pair {connection.pair} has no {self.workflow} workflow")
        outcome = work.run(self.runtime.context(connection), message)
        logger.info(
            "workflow ran",
            extra={"workflow": self.workflow, "subject": outcome.subject, "status": outcome.status},
        )
        return outcome
