"""An API Gateway (REST API, Lambda proxy integration) stand-in: HTTP in, the proxy event to
webhook_ingest, the handler's answer back out as HTTP."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.lambda_runner import ACCOUNT

Invoke = Callable[[str, dict[str, Any]], Any]
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/soap+xml")
# (method, prefix, resource, path parameters); a parameter other than proxy+ is one segment
ROUTES = (
    ("POST", "/webhooks/", "/webhooks/{connection_id}/{system}", ("connection_id", "system")),
    ("POST", "/actions/", "/actions/{connection_id}/{proxy+}", ("connection_id", "proxy")),
    ("GET", "/open/", "/open/{connection_id}/{page}/{key}", ("connection_id", "page", "key")),
)
STAGE = "prod"


def proxy_event(request: Request, resource: str, path_params: dict[str, str]) -> dict[str, Any]:
    body = request.get_data()
    content_type = request.headers.get("Content-Type", "")
    is_text = (any(content_type.startswith(t) for t in TEXT_TYPES) or not body) and _is_utf8(body)
    query = {k: v for k, v in request.args.items()}
    multi_query = {k: request.args.getlist(k) for k in request.args}
    headers = {k: v for k, v in request.headers.items()}
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {k: request.headers.getlist(k) for k in headers},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_params,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": request.method,
            "path": f"/{STAGE}{request.path}",
            "stage": STAGE,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "accountId": ACCOUNT,
            "apiId": "sandbox",
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": request.remote_addr or "127.0.0.1", "userAgent": None},
        },
        "body": (body.decode("utf-8") if is_text else base64.b64encode(body).decode())
        if body
        else None,
        "isBase64Encoded": bool(body) and not is_text,
    }


def _is_utf8(body: bytes) -> bool:
    """A body that is not UTF-8 reaches the function base64-encoded, whatever it claims."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class ApiGatewayStandIn:
    def __init__(self, invoke: Invoke) -> None:
        self._invoke = invoke

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self._dispatch(request)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        for method, prefix, resource, names in ROUTES:
            if not request.path.startswith(prefix):
                continue
            parts = request.path[len(prefix) :].split("/", len(names) - 1)
            if len(parts) < len(names) or not all(parts):
                break
            if names[-1] != "proxy" and "/" in parts[-1]:
                break
            if request.method != method:
                return Response('{"message":"Missing Authentication Token"}', 403)
            params = dict(zip(names, parts, strict=True))
            result = self._invoke("webhook_ingest", proxy_event(request, resource, params))
            return _response(result)
        return Response(
            '{"message":"Missing Authentication Token"}', 403, content_type="application/json"
        )


def _response(result: dict[str, Any]) -> Response:
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    response = Response(data, status=int(result.get("statusCode", 502)))
    for key, value in (result.get("headers") or {}).items():
        response.headers[key] = value
    for key, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.add(key, value)
    return response
