"""changes.fifo -> the sync engine, a batch at a time, with partial batch failures."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import logger, metrics, tracer
from shared.queue_worker import batch_response
from shared.runtime import get_runtime
from shared.sync.worker import ChangeWorker


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return batch_response(ChangeWorker(get_runtime(), context), event)
