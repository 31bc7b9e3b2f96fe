"""The Lambda handler of a scheduled pair job: one line in each functions/<name>/handler.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import deadlines
from shared.observability import logger, metrics, tracer
from shared.runtime import get_runtime
from shared.scheduled import run_pair_job

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def job_handler(job: str) -> Handler:
    """The handler that runs the pair job ``job`` for every enabled connection, within the
    invocation's deadline."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        with deadlines.bounded(deadlines.of_invocation(context)):
            return run_pair_job(get_runtime(), job)

    return handler
