"""The WSGI app: routing, sessions, fault injection, the API usage header.

Every REST call needs ``Authorization: Bearer <token>`` from the token endpoint; without a
live session the answer is ``401 [{"message": "Session expired or invalid", "errorCode":
"INVALID_SESSION_ID"}]``. Answers carry ``Sforce-Limit-Info: api-usage=N/15000``
(REST API Developer Guide, "Limit Info Header").

Injected faults (:class:`sandbox.emulators.common.FaultRule`) match a target per request:

==========================================  ==============================================
request                                     target
==========================================  ==============================================
``POST /services/oauth2/token``             ``TOKEN``
``POST sobjects/Account``                   ``POST Account``
``GET|PATCH|DELETE sobjects/Account/...``   ``GET Account``, ``PATCH Account``... (by id or
                                            external id; upserts are ``PATCH``)
``GET sobjects/Account/describe``           ``DESCRIBE Account``
``GET sobjects/Account/updated|deleted``    ``UPDATED Account``, ``DELETED Account``
``GET query|queryAll`` (and next pages)     ``QUERY Account`` (the ``FROM`` object)
``composite/sobjects...``                   ``COMPOSITE Account`` (the first record's type)
==========================================  ==============================================

What each fault kind looks like here (the dispatch is :mod:`sandbox.emulators.faults`):
``rate_limit`` answers 403 ``REQUEST_LIMIT_EXCEEDED`` (the token endpoint: 400
``invalid_grant`` "login rate exceeded"); no ``Retry-After``: Salesforce's API request limit
is a rolling 24-hour allocation and its documented answers carry no such header (REST API
Developer Guide, "Status Codes and Error Responses"; Salesforce Developer Limits, "API
Request Limits and Allocations"). ``http_error`` answers ``status`` (503
``SERVER_UNAVAILABLE`` or 500 ``UNKNOWN_EXCEPTION``); ``timeout`` answers 504 from the edge
without running the request; ``expire_session`` ends the caller's session and answers 401
(the token endpoint: ends every session, then grants); ``lose_response`` performs the
request, then answers 504 with an empty body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sandbox.emulators.admin import AdminApi
from sandbox.emulators.common import Call
from sandbox.emulators.faults import DEFAULT_MESSAGE, FaultRule, run_with_faults
from sandbox.emulators.salesforce import (
    bulk_api,
    collections_api,
    composite_api,
    errors,
    query_api,
    sobjects_api,
)
from sandbox.emulators.salesforce.context import Ctx
from sandbox.emulators.salesforce.oauth import OAuthError
from sandbox.emulators.salesforce.org import DAILY_API_LIMIT, Org
from sandbox.emulators.salesforce.query import target_object
from sandbox.emulators.salesforce.wire import JSON_TYPE, Reply, error_reply

DATA = "/services/data/v<version>"
Handler = Callable[..., Reply]
HANDLERS: dict[str, Handler] = {
    "resources": sobjects_api.resources,
    "limits": sobjects_api.limits,
    "describe_global": sobjects_api.describe_global,
    "basic_info": sobjects_api.basic_info,
    "create": sobjects_api.create,
    "describe": sobjects_api.describe_sobject,
    "updated": sobjects_api.updated,
    "deleted": sobjects_api.deleted,
    "record": sobjects_api.record,
    "external": sobjects_api.by_external_id,
    "query": query_api.query,
    "query_all": query_api.query_all,
    "query_more": query_api.query_more,
    "collection_create": collections_api.create,
    "collection_update": collections_api.update,
    "collection_delete": collections_api.delete,
    "collection_retrieve": collections_api.retrieve,
    "collection_upsert": collections_api.upsert,
    "composite": composite_api.composite,
    "composite_batch": composite_api.batch,
    "bulk_ingest_jobs": bulk_api.create_ingest,
    "bulk_ingest_list": bulk_api.list_ingest,
    "bulk_ingest_job": bulk_api.ingest_job,
    "bulk_ingest_batches": bulk_api.upload,
    "bulk_ingest_results": bulk_api.ingest_results,
    "bulk_query_jobs": bulk_api.query_jobs,
    "bulk_query_job": bulk_api.query_job,
    "bulk_query_results": bulk_api.query_results,
}
_SERVER_ERRORS = {
    500: (
        "UNKNOWN_EXCEPTION",
        "An unexpected error occurred. Please include this ErrorId if you contact support: "
        "1234567890-12345 (-1234567890)",
    ),
}


def url_map() -> Map:
    rules = [
        Rule("/services/oauth2/token", endpoint="token", methods=["POST"]),
        Rule("/services/data/", endpoint="versions", methods=["GET"]),
        Rule(f"{DATA}/", endpoint="resources", methods=["GET"]),
        Rule(f"{DATA}/limits", endpoint="limits", methods=["GET"]),
        Rule(f"{DATA}/sobjects/", endpoint="describe_global", methods=["GET"]),
        Rule(f"{DATA}/sobjects/<sobject>", endpoint="basic_info", methods=["GET"]),
        Rule(f"{DATA}/sobjects/<sobject>", endpoint="create", methods=["POST"]),
        Rule(f"{DATA}/sobjects/<sobject>/describe/", endpoint="describe", methods=["GET"]),
        Rule(f"{DATA}/sobjects/<sobject>/updated/", endpoint="updated", methods=["GET"]),
        Rule(f"{DATA}/sobjects/<sobject>/deleted/", endpoint="deleted", methods=["GET"]),
        Rule(
            f"{DATA}/sobjects/<sobject>/<record_id>",
            endpoint="record",
            methods=["GET", "PATCH", "DELETE"],
        ),
        Rule(
            f"{DATA}/sobjects/<sobject>/<field>/<path:value>",
            endpoint="external",
            methods=["GET", "PATCH", "DELETE"],
        ),
        Rule(f"{DATA}/query/", endpoint="query", methods=["GET"]),
        Rule(f"{DATA}/queryAll/", endpoint="query_all", methods=["GET"]),
        Rule(f"{DATA}/query/<locator>", endpoint="query_more", methods=["GET"]),
        Rule(f"{DATA}/queryAll/<locator>", endpoint="query_more", methods=["GET"]),
        Rule(f"{DATA}/composite/sobjects", endpoint="collection_create", methods=["POST"]),
        Rule(f"{DATA}/composite/sobjects", endpoint="collection_update", methods=["PATCH"]),
        Rule(f"{DATA}/composite/sobjects", endpoint="collection_delete", methods=["DELETE"]),
        Rule(
            f"{DATA}/composite/sobjects/<sobject>",
            endpoint="collection_retrieve",
            methods=["GET", "POST"],
        ),
        Rule(
            f"{DATA}/composite/sobjects/<sobject>/<field>",
            endpoint="collection_upsert",
            methods=["PATCH"],
        ),
        Rule(f"{DATA}/composite", endpoint="composite", methods=["POST"]),
        Rule(f"{DATA}/composite/batch", endpoint="composite_batch", methods=["POST"]),
        Rule(f"{DATA}/jobs/ingest", endpoint="bulk_ingest_jobs", methods=["POST"]),
        Rule(f"{DATA}/jobs/ingest", endpoint="bulk_ingest_list", methods=["GET"]),
        Rule(
            f"{DATA}/jobs/ingest/<job_id>",
            endpoint="bulk_ingest_job",
            methods=["GET", "PATCH", "DELETE"],
        ),
        Rule(
            f"{DATA}/jobs/ingest/<job_id>/batches", endpoint="bulk_ingest_batches", methods=["PUT"]
        ),
        Rule(
            f"{DATA}/jobs/ingest/<job_id>/<any({', '.join(bulk_api.RESULT_KINDS)}):kind>",
            endpoint="bulk_ingest_results",
            methods=["GET"],
        ),
        Rule(f"{DATA}/jobs/query", endpoint="bulk_query_jobs", methods=["GET", "POST"]),
        Rule(
            f"{DATA}/jobs/query/<job_id>",
            endpoint="bulk_query_job",
            methods=["GET", "PATCH", "DELETE"],
        ),
        Rule(f"{DATA}/jobs/query/<job_id>/results", endpoint="bulk_query_results", methods=["GET"]),
    ]
    return Map(rules, strict_slashes=False, merge_slashes=False)


URLS = url_map()  # compiled once: building a Map is slow, matching on it is thread-safe


_TIMEOUT_PAGE = (
    b"<html><head><title>504 Gateway Timeout</title></head>"
    b"<body><h1>504 Gateway Timeout</h1></body></html>"
)


def _gateway_timeout() -> Response:
    return Response(_TIMEOUT_PAGE, status=504, content_type="text/html; charset=UTF-8")


def _lost(answer: Response) -> Response:
    return Response(b"", status=504)


def _oauth(error: OAuthError) -> Response:
    return Response(json.dumps(error.body()), status=error.status, content_type=JSON_TYPE)


@dataclass
class _RestFaults:
    """How a REST request's faults look on Salesforce's wire."""

    org: Org
    authorization: str | None

    def rate_limited(self, rule: FaultRule) -> Response:
        return error_reply(errors.request_limit()).to_response()

    def server_error(self, rule: FaultRule) -> Response:
        code, message = _SERVER_ERRORS.get(
            rule.status, ("SERVER_UNAVAILABLE", "Server Unavailable")
        )
        if rule.code is not None:
            code = rule.code
        if rule.message != DEFAULT_MESSAGE:
            message = rule.message
        return Reply(rule.status, [{"message": message, "errorCode": code}]).to_response()

    def timed_out(self, rule: FaultRule) -> Response:
        return _gateway_timeout()

    def session_expired(self, rule: FaultRule) -> Response | None:
        self.org.oauth.end_session(self.authorization)
        return error_reply(errors.invalid_session()).to_response()

    def answer_lost(self, answer: Response) -> Response:
        return _lost(answer)


@dataclass
class _TokenFaults:
    """How the token endpoint's faults look (an OAuth error body, not the REST one)."""

    org: Org

    def rate_limited(self, rule: FaultRule) -> Response:
        return _oauth(OAuthError("invalid_grant", "login rate exceeded"))

    def server_error(self, rule: FaultRule) -> Response:
        return _oauth(OAuthError("unknown_error", "retry your request", rule.status))

    def timed_out(self, rule: FaultRule) -> Response:
        return _gateway_timeout()

    def session_expired(self, rule: FaultRule) -> Response | None:
        self.org.oauth.end_all_sessions()
        return None

    def answer_lost(self, answer: Response) -> Response:
        return _lost(answer)


class SalesforceApp:
    """The WSGI callable serving one org; ``admin`` answers ``/__admin__/…``."""

    def __init__(self, org: Org, admin: Callable[[Request], Response]) -> None:
        self.org = org
        self.admin = admin
        self.urls = URLS

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if AdminApi.handles(request.path):
            return self.admin(request)
        adapter = self.urls.bind_to_environ(request.environ)
        try:
            endpoint, matched = adapter.match()
        except MethodNotAllowed as exc:
            allowed = ",".join(sorted(exc.valid_methods or []))
            body = errors.ApiError(
                405,
                "METHOD_NOT_ALLOWED",
                f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}",
            )
            return error_reply(body).to_response()
        except HTTPException:
            return error_reply(errors.not_found()).to_response()
        args = {k: str(v) for k, v in matched.items()}
        if endpoint == "token":
            return self.token(request)
        if endpoint == "versions":
            return sobjects_api.versions(Ctx(self.org, request, "")).to_response()
        ctx = Ctx(self.org, request, args.pop("version"))
        return self.rest(ctx, endpoint, args)

    # -- REST ----------------------------------------------------------------------------

    def rest(self, ctx: Ctx, endpoint: str, args: dict[str, str]) -> Response:
        org = self.org
        authorization = ctx.request.headers.get("Authorization")
        username = org.oauth.session_user(authorization)
        if username is None:
            return error_reply(errors.invalid_session()).to_response()
        fault = org.faults.take(self.target(ctx, endpoint, args))

        def run() -> Response:
            with org.store.lock:
                org.api_usage += 1
                usage = org.api_usage
                org.store.user_id = org.ensure_user(username)
                try:
                    reply = HANDLERS[endpoint](ctx, **args)
                except errors.ApiError as exc:
                    reply = error_reply(exc)
            return reply.to_response({"Sforce-Limit-Info": f"api-usage={usage}/{DAILY_API_LIMIT}"})

        rules = [fault] if fault is not None else []
        return run_with_faults(rules, _RestFaults(org, authorization), run)

    def target(self, ctx: Ctx, endpoint: str, args: dict[str, str]) -> str:
        method = ctx.request.method
        sobject = args.get("sobject", "")
        obj = self.org.schema.get(sobject)
        name = obj.name if obj else sobject
        if endpoint in {"query", "query_all"}:
            queried = target_object(ctx.request.args.get("q", ""))
            found = self.org.schema.get(queried)
            return f"QUERY {found.name if found else queried}"
        if endpoint == "query_more":
            return f"QUERY {self.org.queries.cursor_object(args['locator'])}"
        if endpoint.startswith("collection_"):
            return f"COMPOSITE {name or collections_api.target_object(ctx)}"
        if endpoint in {"describe", "updated", "deleted"}:
            return f"{endpoint.upper()} {name}"
        return f"{method} {name or endpoint}"

    # -- OAuth ---------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        fault = self.org.faults.take("TOKEN")
        rules = [fault] if fault is not None else []
        return run_with_faults(rules, _TokenFaults(self.org), lambda: self._grant(request))

    def _grant(self, request: Request) -> Response:
        org = self.org
        try:
            username = org.oauth.grant(request.form, request.headers.get("Authorization"))
        except OAuthError as exc:
            org.calls.record(Call("token", "oauth", None, ok=False))
            return _oauth(exc)
        with org.store.lock:
            user_id = org.ensure_user(username)
        access_token = org.oauth.open_session(username)
        org.calls.record(Call("token", "oauth", user_id))
        body = {
            "access_token": access_token,
            "signature": "emulated" + access_token[-32:],
            "scope": "api",
            "instance_url": org.base_url,
            "id": f"{org.base_url}/id/{org.org_id}/{user_id}",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
        }
        return Response(json.dumps(body), status=200, content_type=JSON_TYPE)
