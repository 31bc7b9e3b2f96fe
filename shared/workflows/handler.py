"""The Lambda handler of a workflow's queue: one line in each functions/<name>/handler.py.

A workflow worker keeps an idempotency record per request (``FunctionSpec.uses_idempotency``):
its first message needs the utility, which shared/queue_worker.py imports only where used, so
a workflow handler imports it with its module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_lambda_powertools.utilities.idempotency  # noqa: F401
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import logger, metrics, tracer
from shared.queue_worker import batch_response
from shared.runtime import get_runtime
from shared.workflows.worker import WorkflowWorker

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def workflow_handler(workflow: str) -> Handler:
    """The handler of ``workflow``'s queue: its batch through the workflow worker, with
    partial batch failures."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return batch_response(WorkflowWorker(get_runtime(), workflow, context), event)

    return handler
