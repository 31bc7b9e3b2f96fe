"""The contracts queue -> ERP contracts from activated CRM contracts (the pair's workflow)."""

from __future__ import annotations

from typing import Any

# This worker keeps an idempotency record per message (FunctionSpec.uses_idempotency): its
# first message needs the utility, which shared/queue_worker.py imports only where used.
import aws_lambda_powertools.utilities.idempotency  # noqa: F401
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import logger, metrics, tracer
from shared.queue_worker import batch_response
from shared.runtime import get_runtime
from shared.workflows.worker import WorkflowWorker

WORKFLOW = "contracts"


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return batch_response(WorkflowWorker(get_runtime(), WORKFLOW, context), event)
