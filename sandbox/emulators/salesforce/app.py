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

Kinds: ``latency`` sleeps then answers normally; ``http_error`` answers ``status`` (503
``SERVER_UNAVAILABLE`` or 500 ``UNKNOWN_EXCEPTION``); ``rate_limit`` answers 403
``REQUEST_LIMIT_EXCEEDED``; ``expire_session`` ends the caller's session and answers 401;
``lose_response`` performs the request, then answers 504 with an empty body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sandbox.emulators.common import Call, FaultRule
from sandbox.emulators.salesforce import (
    bulk_api,
    collections_api,
    composite_api,
    errors,
    query_api,
    sobjects_api,
)
from sandbox.emulators.salesforce.admin_api import AdminApi
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
        Rule("/__admin__/reset", endpoint="admin_reset", methods=["POST"]),
        Rule("/__admin__/faults", endpoint="admin_faults", methods=["POST", "DELETE"]),
        Rule("/__admin__/calls", endpoint="admin_calls", methods=["GET"]),
        Rule("/__admin__/outbound", endpoint="admin_outbound", methods=["GET"]),
        Rule("/__admin__/outbound/deliver", endpoint="admin_deliver", methods=["POST"]),
        Rule("/__admin__/records/<sobject>", endpoint="admin_records", methods=["GET", "POST"]),
        Rule(
            "/__admin__/records/<sobject>/<record_id>", endpoint="admin_record", methods=["PATCH"]
        ),
    ]
    return Map(rules, strict_slashes=False, merge_slashes=False)


URLS = url_map()  # compiled once: building a Map is slow, matching on it is thread-safe


class SalesforceApp:
    """The WSGI callable serving one org."""

    def __init__(self, org: Org, deliver: Callable[[], int]) -> None:
        self.org = org
        self.admin = AdminApi(org, deliver)
        self.urls = URLS

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
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
        if endpoint.startswith("admin_"):
            return self.admin.handle(endpoint, request, args).to_response()
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
        if fault is not None:
            early = self.fault_reply(fault, ctx)
            if early is not None:
                return early.to_response()
        with org.store.lock:
            org.api_usage += 1
            usage = org.api_usage
            org.store.user_id = org.ensure_user(username)
            try:
                reply = HANDLERS[endpoint](ctx, **args)
            except errors.ApiError as exc:
                reply = error_reply(exc)
        if fault is not None and fault.kind == "lose_response":
            return Response(b"", status=504)
        return reply.to_response({"Sforce-Limit-Info": f"api-usage={usage}/{DAILY_API_LIMIT}"})

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

    def fault_reply(self, fault: FaultRule, ctx: Ctx) -> Reply | None:
        """The answer a fault gives before the request runs (None: run it)."""
        if fault.kind == "latency":
            time.sleep(fault.latency_s)
            return None
        if fault.kind == "rate_limit":
            return error_reply(errors.request_limit())
        if fault.kind == "expire_session":
            self.org.oauth.end_session(ctx.request.headers.get("Authorization"))
            return error_reply(errors.invalid_session())
        if fault.kind == "http_error":
            code, message = _SERVER_ERRORS.get(
                fault.status, ("SERVER_UNAVAILABLE", "Server Unavailable")
            )
            if fault.message != FaultRule.message:
                message = fault.message
            return Reply(fault.status, [{"message": message, "errorCode": code}])
        return None  # lose_response: run, then lose the answer

    # -- OAuth ---------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        org = self.org
        fault = org.faults.take("TOKEN")
        if fault is not None:
            early = self.token_fault(fault)
            if early is not None:
                return early
        try:
            username = org.oauth.grant(request.form, request.headers.get("Authorization"))
        except OAuthError as exc:
            org.calls.record(Call("token", "oauth", None, ok=False))
            return Response(json.dumps(exc.body()), status=exc.status, content_type=JSON_TYPE)
        with org.store.lock:
            user_id = org.ensure_user(username)
        access_token = org.oauth.open_session(username)
        org.calls.record(Call("token", "oauth", user_id))
        if fault is not None and fault.kind == "lose_response":
            return Response(b"", status=504)
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

    def token_fault(self, fault: FaultRule) -> Response | None:
        if fault.kind == "latency":
            time.sleep(fault.latency_s)
            return None
        if fault.kind == "expire_session":
            self.org.oauth.end_all_sessions()
            return None
        if fault.kind == "rate_limit":
            body = OAuthError("invalid_grant", "login rate exceeded").body()
            return Response(json.dumps(body), status=400, content_type=JSON_TYPE)
        if fault.kind == "http_error":
            body = OAuthError("unknown_error", "retry your request", fault.status).body()
            return Response(json.dumps(body), status=fault.status, content_type=JSON_TYPE)
        return None
