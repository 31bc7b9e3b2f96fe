"""``/composite`` and ``/composite/batch`` (REST API Developer Guide, "Composite",
"Composite Request Body", "Composite Response Body", "allOrNone Parameters in Composite and
Collections Requests", "Batch").

Subrequests run through the same handlers as top-level calls (sObject rows, create, upsert
by external id, query, sObject Collections...), without their own session check, faults or
API usage: the whole composite is one API call.

**Composite** - ``POST composite`` ``{"allOrNone", "collateSubrequests", "compositeRequest":
[{"method", "url", "referenceId", "body", "httpHeaders"}]}``, at most 25 subrequests, answers
200 ``{"compositeResponse": [{"body", "httpHeaders", "httpStatusCode", "referenceId"}]}``
in request order. A create answers ``httpHeaders: {"Location": record url}``.

- References ``@{refId.field}``, with ``.`` into objects and ``[n]`` into arrays
  (``@{NewAccount.id}``, ``@{AccountInfo.records[0].Id}``), in the url or anywhere in the
  body, name values of an earlier subrequest's answer. One that does not resolve (the
  earlier subrequest failed, or has no such value) is answered 400 ``PROCESSING_HALTED``
  ``Invalid reference specified. No value for NewAccount.id found in NewAccount``.
- ``allOrNone: true``: on the first failing subrequest (status 400 or more; an sObject
  Collections subrequest with a failed record, its own ``allOrNone`` forced on) everything
  is rolled back; the failing subrequest keeps its error and every other one answers 400
  ``PROCESSING_HALTED`` ``The transaction was rolled back since another operation in the
  same transaction failed.``, executed or not. Outbound messages are only sent for what is
  kept. Without it, a failure affects only the subrequests referring to it.
- ``collateSubrequests`` is accepted; subrequests always run in order (collation only
  changes how fast the platform runs them).
- At most 5 of the 25 may be sObject Collections or query (``query``, ``queryAll``)
  operations; more is refused as a whole (400 ``LIMIT_EXCEEDED``, like 26 subrequests).
- ``httpHeaders`` may not set ``Accept``, ``Authorization`` or ``Content-Type``: the whole
  request is refused with 400.

**Batch** - ``POST composite/batch`` ``{"haltOnError", "batchRequests": [{"method", "url",
"richInput"}]}`` (urls relative to ``/services/data/``, e.g. ``v62.0/sobjects/Account``), at
most 25, each run on its own (no references, no roll-back), answers 200 ``{"hasErrors",
"results": [{"statusCode", "result"}]}``. With ``haltOnError`` the subrequests after the
first failure answer 412 ``[{"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch
processing halted per request"}]``.

Fault targets: ``POST composite`` and ``POST composite_batch``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from sandbox.emulators.salesforce import errors
from sandbox.emulators.salesforce.context import Ctx
from sandbox.emulators.salesforce.render import record_url
from sandbox.emulators.salesforce.wire import JSON_TYPE, Reply, error_reply
from shared.jsonutil import dumps

MAX_SUBREQUESTS = 25
MAX_QUERIES_AND_COLLECTIONS = 5
_QUERY_OR_COLLECTION = re.compile(r"^/services/data/v[^/]+/(query|queryAll|composite/sobjects)\b")
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
INHERITED_HEADERS = frozenset({"accept", "authorization", "content-type"})
ROLLED_BACK = (
    "The transaction was rolled back since another operation in the same transaction failed."
)
_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[^.\[\]{}]+|\[\d+\])*)\}")
_STEP = re.compile(r"\.([^.\[\]{}]+)|\[(\d+)\]")
_REFERENCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Resources a subrequest may name (the handlers' endpoint names in app.HANDLERS).
_SOBJECT_ENDPOINTS = frozenset(
    {
        "limits",
        "describe_global",
        "basic_info",
        "create",
        "describe",
        "updated",
        "deleted",
        "record",
        "external",
        "query",
        "query_all",
        "query_more",
    }
)
_COLLECTIONS = frozenset(
    {
        "collection_create",
        "collection_update",
        "collection_delete",
        "collection_retrieve",
        "collection_upsert",
    }
)
COMPOSITE_ENDPOINTS = _SOBJECT_ENDPOINTS | _COLLECTIONS
BATCH_ENDPOINTS = _SOBJECT_ENDPOINTS
_ABSENT = object()
_NO_BODY = Reply.empty().body  # what a reply without a body carries (204s)


@dataclass(frozen=True)
class Answer:
    """One subrequest's outcome: the reply, and what was matched to produce it."""

    reply: Reply
    endpoint: str = ""
    args: Mapping[str, str] | None = None

    @property
    def status(self) -> int:
        return self.reply.status

    @property
    def body(self) -> Any:
        """The JSON body (None when the reply has none, as the response shows it)."""
        return None if self.reply.body is _NO_BODY else self.reply.body


def _unsupported(url: str) -> errors.ApiError:
    return errors.ApiError(
        400, "INVALID_API_INPUT", f"The url is not supported in this request: {url}"
    )


def run_subrequest(
    ctx: Ctx,
    method: str,
    url: str,
    body: Any,
    headers: Mapping[str, str],
    allowed: frozenset[str],
) -> Answer:
    """Run one subrequest through the resource handlers; errors become error answers."""
    from sandbox.emulators.salesforce.app import HANDLERS, URLS  # app imports this module

    path, _, query = url.partition("?")
    payload = None if body is _ABSENT else dumps(body).encode("utf-8")
    environ = EnvironBuilder(
        path=path,
        base_url=ctx.request.host_url,
        method=method,
        query_string=query,
        data=payload,
        headers=list(headers.items()),
        content_type=JSON_TYPE if payload is not None else None,
    ).get_environ()
    request = Request(environ)
    try:
        endpoint, matched = URLS.bind_to_environ(environ).match()
    except MethodNotAllowed as exc:
        allowed_methods = ",".join(sorted(exc.valid_methods or []))
        return Answer(
            error_reply(
                errors.ApiError(
                    405,
                    "METHOD_NOT_ALLOWED",
                    f"HTTP Method '{method}' not allowed. Allowed are {allowed_methods}",
                )
            )
        )
    except HTTPException:
        return Answer(error_reply(errors.not_found()))
    if endpoint not in allowed:
        return Answer(error_reply(_unsupported(url)))
    args = {k: str(v) for k, v in matched.items()}
    version = args.pop("version")
    try:
        reply = HANDLERS[endpoint](Ctx(ctx.org, request, version), **args)
    except errors.ApiError as exc:
        reply = error_reply(exc)
    return Answer(reply, endpoint, args)


def _request_list(ctx: Ctx, key: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    body = ctx.body()
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(items, list) or not items:
        raise errors.json_parser(f"Required field '{key}' is missing or empty")
    if len(items) > MAX_SUBREQUESTS:
        raise errors.ApiError(
            400,
            "LIMIT_EXCEEDED",
            f"Limit exceeded: a request can hold at most {MAX_SUBREQUESTS} subrequests",
        )
    for item in items:
        if not isinstance(item, dict):
            raise errors.json_parser(f"Each of '{key}' must be a JSON object")
        method, url = item.get("method"), item.get("url")
        if method not in METHODS or not isinstance(url, str) or not url:
            raise errors.json_parser(
                f"Each subrequest needs a method ({', '.join(sorted(METHODS))}) and a url"
            )
    return body, items


# -- composite -----------------------------------------------------------------------------


class _UnresolvedError(Exception):
    def __init__(self, reference: str, reference_id: str) -> None:
        super().__init__(reference)
        self.reference = reference
        self.reference_id = reference_id


def _lookup(results: Mapping[str, Any], reference_id: str, steps: str) -> Any:
    reference = reference_id + steps
    if reference_id not in results:
        raise _UnresolvedError(reference, reference_id)
    value = results[reference_id]
    for match in _STEP.finditer(steps):
        name, index = match.groups()
        if name is not None and isinstance(value, dict) and name in value:
            value = value[name]
        elif index is not None and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            raise _UnresolvedError(reference, reference_id)
    if value is None or isinstance(value, dict | list):
        raise _UnresolvedError(reference, reference_id)
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _substitute(value: Any, results: Mapping[str, Any]) -> Any:
    """``value`` with every ``@{ref...}`` replaced (a string that is only a reference takes
    the referenced value as it is)."""
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value)
        if whole:
            return _lookup(results, whole.group(1), whole.group(2))
        return _REFERENCE.sub(lambda m: _text(_lookup(results, m.group(1), m.group(2))), value)
    if isinstance(value, dict):
        return {key: _substitute(item, results) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, results) for item in value]
    return value


def _halted(message: str) -> Reply:
    return Reply(400, [{"errorCode": "PROCESSING_HALTED", "message": message}])


def _failed(answer: Answer, *, all_or_none: bool) -> bool:
    if answer.status >= 400:
        return True
    if all_or_none and answer.endpoint in _COLLECTIONS and isinstance(answer.body, list):
        return any(isinstance(r, dict) and r.get("success") is False for r in answer.body)
    return False


def _force_all_or_none(item: dict[str, Any], body: Any) -> tuple[str, Any]:
    """An sObject Collections subrequest under an allOrNone composite is allOrNone too."""
    url = str(item["url"])
    path = url.partition("?")[0]
    if "/composite/sobjects" not in path:
        return url, body
    if item["method"] == "DELETE":
        path, _, query = url.partition("?")
        kept = [p for p in query.split("&") if p and not p.lower().startswith("allornone=")]
        return f"{path}?{'&'.join([*kept, 'allOrNone=true'])}", body
    if isinstance(body, dict):
        return url, {**body, "allOrNone": True}
    return url, body


def _headers(item: dict[str, Any]) -> dict[str, str]:
    raw = item.get("httpHeaders") or {}
    if not isinstance(raw, dict):
        raise errors.json_parser("httpHeaders must be a JSON object")
    refused = [k for k in raw if str(k).lower() in INHERITED_HEADERS]
    if refused:
        raise errors.ApiError(
            400,
            "INVALID_INPUT",
            f"Subrequests inherit the {', '.join(refused)} header(s) from the composite "
            "request and may not set them",
        )
    return {str(k): str(v) for k, v in raw.items()}


def _location(ctx: Ctx, answer: Answer) -> dict[str, str]:
    body = answer.body
    if answer.status != 201 or not isinstance(body, dict) or "id" not in body:
        return {}
    args = answer.args or {}
    obj = ctx.org.schema.get(args.get("sobject", ""))
    if obj is None:
        return {}
    return {"Location": record_url(ctx.version, obj.name, str(body["id"]))}


def composite(ctx: Ctx) -> Reply:
    body, items = _request_list(ctx, "compositeRequest")
    seen: set[str] = set()
    for item in items:
        reference_id = item.get("referenceId")
        if not isinstance(reference_id, str) or not _REFERENCE_ID.match(reference_id):
            raise errors.json_parser(
                "Each subrequest needs a referenceId: a letter, then letters, digits or "
                f"underscores (got {reference_id!r})"
            )
        if reference_id in seen:
            raise errors.ApiError(
                400,
                "INVALID_INPUT",
                f"Duplicate ReferenceId provided in the request: {reference_id}",
            )
        seen.add(reference_id)
        _headers(item)
    heavy = sum(1 for item in items if _QUERY_OR_COLLECTION.match(str(item["url"])))
    if heavy > MAX_QUERIES_AND_COLLECTIONS:
        raise errors.ApiError(
            400,
            "LIMIT_EXCEEDED",
            f"Limit exceeded: at most {MAX_QUERIES_AND_COLLECTIONS} subrequests of a composite "
            "request can be sObject Collections or query operations",
        )
    all_or_none = bool(body.get("allOrNone", False))
    store = ctx.org.store
    results: dict[str, Any] = {}
    replies: list[tuple[str, Reply, dict[str, str]]] = []
    failed_at: int | None = None
    with store.transaction():
        start = store.mark()
        for index, item in enumerate(items):
            reference_id = str(item["referenceId"])
            try:
                url = _substitute(str(item["url"]), results)
                sub_body = _substitute(item["body"], results) if "body" in item else _ABSENT
            except _UnresolvedError as exc:
                message = (
                    f"Invalid reference specified. No value for {exc.reference} found in "
                    f"{exc.reference_id}"
                )
                replies.append((reference_id, _halted(message), {}))
                if all_or_none:
                    failed_at = index
                    break
                continue
            if all_or_none:
                url, sub_body = _force_all_or_none({**item, "url": url}, sub_body)
            answer = run_subrequest(
                ctx, str(item["method"]), str(url), sub_body, _headers(item), COMPOSITE_ENDPOINTS
            )
            replies.append((reference_id, answer.reply, _location(ctx, answer)))
            if _failed(answer, all_or_none=all_or_none):
                if all_or_none:
                    failed_at = index
                    break
                continue
            results[reference_id] = answer.body
        if failed_at is not None:
            store.rollback_to(start)
    out = []
    for index, item in enumerate(items):
        reference_id = str(item["referenceId"])
        headers: dict[str, str] = {}
        if failed_at is not None and index != failed_at:
            reply = _halted(ROLLED_BACK)
        else:
            _, reply, headers = replies[index]
        out.append(
            {
                "body": Answer(reply).body,
                "httpHeaders": headers,
                "httpStatusCode": reply.status,
                "referenceId": reference_id,
            }
        )
    return Reply(200, {"compositeResponse": out})


# -- batch ---------------------------------------------------------------------------------

HALTED = [
    {"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}
]


def _batch_url(url: str) -> str:
    if url.startswith("/services/data/"):
        return url
    return "/services/data/" + url.lstrip("/")


def batch(ctx: Ctx) -> Reply:
    body, items = _request_list(ctx, "batchRequests")
    halt_on_error = bool(body.get("haltOnError", False))
    results: list[dict[str, Any]] = []
    halted = False
    for item in items:
        if halted:
            results.append({"statusCode": 412, "result": HALTED})
            continue
        rich = item.get("richInput", _ABSENT)
        answer = run_subrequest(
            ctx, str(item["method"]), _batch_url(str(item["url"])), rich, {}, BATCH_ENDPOINTS
        )
        results.append({"statusCode": answer.status, "result": answer.body})
        if answer.status >= 400 and halt_on_error:
            halted = True
    has_errors = any(r["statusCode"] >= 400 for r in results)
    return Reply(200, {"hasErrors": has_errors, "results": results})
