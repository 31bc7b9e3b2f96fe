"""API Gateway -> webhooks (change notifications) and actions (CRM buttons)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.connectors.salesforce.outbound import ACK
from shared.ingest.doors import accept_contract_sync, accept_webhook
from shared.ingest.rejections import RequestRejectedError
from shared.ingest.signatures import HEADER
from shared.observability import logger, metrics, tracer
from shared.runtime import get_runtime

app = APIGatewayRestResolver()


def _raw_body() -> bytes:
    event = app.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


@app.post("/webhooks/<connection_id>/<system>")
@tracer.capture_method
def webhook(connection_id: str, system: str) -> Response[str]:
    token = app.current_event.get_query_string_value("token")
    accept_webhook(get_runtime(), connection_id, system, token, _raw_body())
    return Response(status_code=200, content_type="text/xml; charset=utf-8", body=ACK)


@app.post("/actions/<connection_id>/contracts/<contract_id>/sync")
@tracer.capture_method
def sync_contract(connection_id: str, contract_id: str) -> Response[str]:
    signature = app.current_event.headers.get(HEADER) or app.current_event.headers.get(
        HEADER.lower()
    )
    request = accept_contract_sync(
        get_runtime(), connection_id, contract_id, signature, _raw_body(), time.time()
    )
    return Response(
        status_code=202,
        content_type="application/json",
        body=json.dumps({"status": "accepted", "request_id": request.request_id}),
    )


@app.exception_handler(RequestRejectedError)  # type: ignore[untyped-decorator]
def rejected(exc: RequestRejectedError) -> Response[str]:
    logger.info("request rejected", extra={"status": exc.status, "reason": exc.reason})
    return Response(
        status_code=exc.status,
        content_type="application/json",
        body=json.dumps({"error": exc.reason}),
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
