"""API Gateway -> webhooks (change notifications), actions (CRM buttons) and the links we
write into records (opened: a redirect to the record's page in its system)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import deadlines, startup
from shared.connectors.plugin import InboundRequest
from shared.errors import RequestRejectedError
from shared.ingest.doors import accept_action, accept_webhook
from shared.ingest.record_links import SIG_PARAMETER
from shared.ingest.record_pages import open_record
from shared.ingest.signatures import HEADER
from shared.observability import logger, metrics, tracer
from shared.runtime import get_runtime

app = APIGatewayRestResolver()


def _raw_body() -> bytes:
    event = app.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8")


def _correlation_id() -> str:
    return str(app.current_event.request_context.request_id or "")[:64]


@app.post("/webhooks/<connection_id>/<system>")
@tracer.capture_method
def webhook(connection_id: str, system: str) -> Response[str]:
    event = app.current_event
    request = InboundRequest(
        query=dict(event.query_string_parameters or {}),
        headers={k.lower(): v for k, v in (event.headers or {}).items()},
        body=_raw_body(),
    )
    answer = accept_webhook(get_runtime(), connection_id, system, request, _correlation_id())
    return Response(status_code=answer.status, content_type=answer.content_type, body=answer.body)


@app.post("/actions/<connection_id>/.+")
@tracer.capture_method
def action(connection_id: str) -> Response[str]:
    # /actions/{connection_id}/{path...}: the pair's action for path decides what it means
    path = app.current_event.path.split("/", 3)[3]
    headers = app.current_event.headers or {}
    signature = headers.get(HEADER) or headers.get(HEADER.lower())
    request = accept_action(
        get_runtime(),
        connection_id,
        path,
        signature,
        _raw_body(),
        time.time(),
        _correlation_id(),
    )
    return Response(
        status_code=202,
        content_type="application/json",
        body=json.dumps({"status": "accepted", "request_id": request.request_id}),
    )


@app.get("/open/<connection_id>/<page>/<key>")
@tracer.capture_method
def open_page(connection_id: str, page: str, key: str) -> Response[str]:
    # a link we wrote into a record: 303 to the record's page in its system
    sig = (app.current_event.query_string_parameters or {}).get(SIG_PARAMETER)
    url = open_record(get_runtime(), connection_id, page, key, sig)
    return Response(
        status_code=303,
        content_type="application/json",
        body=json.dumps({"location": url}),
        headers={"Location": url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@app.exception_handler(RequestRejectedError)  # type: ignore[untyped-decorator]
def rejected(exc: RequestRejectedError) -> Response[str]:
    logger.info("request rejected", extra={"status": exc.status, "reason": exc.reason})
    headers = {} if exc.retry_after_s is None else {"Retry-After": str(exc.retry_after_s)}
    return Response(
        status_code=exc.status,
        content_type="application/json",
        body=json.dumps({"error": exc.reason}),
        headers=headers,
    )


@logger.inject_lambda_context(clear_state=True, correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    startup.done()  # a request no route takes still ends the cold start (shared/startup.py)
    with deadlines.bounded(deadlines.of_invocation(context)):
        return app.resolve(event, context)
