"""The projects queue -> ERP projects from won CRM opportunities and contracts ("Create
Project", the pair's workflow)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import logger, metrics, tracer
from shared.runtime import get_runtime
from shared.workflows.worker import WorkflowWorker

WORKFLOW = "projects"
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def _run_one(record: SQSRecord, lambda_context: LambdaContext) -> None:
    WorkflowWorker(get_runtime(), WORKFLOW, lambda_context).handle(record.body, record.message_id)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=_run_one, processor=processor, context=context
    )
