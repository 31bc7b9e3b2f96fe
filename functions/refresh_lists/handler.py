"""EventBridge schedule -> each connection's pair refreshes the ERP's managed lists
mirrored in read-only CRM objects."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import deadlines
from shared.observability import logger, metrics, tracer
from shared.runtime import get_runtime
from shared.scheduled import run_pair_job

JOB = "refresh_lists"


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    with deadlines.bounded(deadlines.of_invocation(context)):
        return run_pair_job(get_runtime(), JOB)
