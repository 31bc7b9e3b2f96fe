"""``/__admin__/``: one JSON API to drive any emulator (not part of any vendor's API).

Common endpoints, the same for every emulator:

=========================  ===================================================================
``POST   reset``           back to fresh data -> ``{"reset": true}``
``POST   faults``          add a fault rule ``{"match", "kind", "times", "status",
                           "latency_s", "message", "retry_after_s"}`` (see
                           :mod:`sandbox.emulators.faults`) -> 201 ``{"added": {…rule}}``
``DELETE faults``          remove every rule -> ``{"cleared": n}``
``GET    calls``           the call log -> ``[{"op", "target", "record_id", "ok", "at"}]``
``POST   clock``           ``{"advance_s": 60}`` or ``{"advance": {"days", "hours", "minutes",
                           "seconds"}}`` moves the emulator's clock -> ``{"now": ISO 8601}``
``GET    records/{obj}``   every record of an object, values as on the wire
                           (``?includeDeleted=true`` where the system keeps deleted rows)
=========================  ===================================================================

Each emulator adds its own endpoints as :class:`AdminRoute` s. Every answer is JSON: a
success is the endpoint's object or list (200, or 201 when something was added); a
failure is ``{"error": CODE, "message": text}`` with a 4xx status (``BAD_REQUEST``,
``NOT_FOUND``, ``METHOD_NOT_ALLOWED``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sandbox.emulators.faults import FaultRule
from shared.jsonutil import dumps

if TYPE_CHECKING:
    from sandbox.emulators.protocol import Emulator

PREFIX = "/__admin__"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class AdminReply:
    body: Any
    status: int = 200


class AdminError(Exception):
    """A refused admin request: answered ``{"error": code, "message": message}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> AdminError:
    return AdminError(400, "BAD_REQUEST", message)


def not_found(message: str) -> AdminError:
    return AdminError(404, "NOT_FOUND", message)


AdminHandler = Callable[..., AdminReply]


@dataclass(frozen=True)
class AdminRoute:
    """``path`` below ``/__admin__`` in werkzeug's rule syntax (``/records/<obj>``); the
    handler takes the request and the path's variables as keyword arguments."""

    path: str
    methods: tuple[str, ...]
    handler: AdminHandler


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (an empty body is ``{}``)."""
    data = request.get_data()
    if not data.strip():
        return {}
    try:
        body = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request(f"the body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


_RULE_FIELDS = frozenset(f.name for f in fields(FaultRule))
_RULE = TypeAdapter(FaultRule)


def fault_rule(body: dict[str, Any]) -> FaultRule:
    unknown = set(body) - _RULE_FIELDS
    if unknown or "match" not in body or "kind" not in body:
        raise bad_request(f"a fault rule has match, kind and optionally {sorted(_RULE_FIELDS)}")
    try:
        return _RULE.validate_python(body)
    except ValidationError as exc:
        raise bad_request(f"not a fault rule: {exc.errors(include_url=False)}") from exc


class _Duration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: float = Field(default=0, ge=0)
    hours: float = Field(default=0, ge=0)
    minutes: float = Field(default=0, ge=0)
    seconds: float = Field(default=0, ge=0)


class ClockAdvance(BaseModel):
    """``{"advance_s": n}`` or ``{"advance": {"minutes": 2, …}}``: clocks only move on."""

    model_config = ConfigDict(extra="forbid")

    advance_s: float | None = Field(default=None, ge=0)
    advance: _Duration | None = None

    @model_validator(mode="after")
    def _one_form(self) -> ClockAdvance:
        if (self.advance_s is None) == (self.advance is None):
            raise ValueError("give exactly one of advance_s and advance")
        return self

    def delta(self) -> timedelta:
        if self.advance is not None:
            return timedelta(**self.advance.model_dump())
        return timedelta(seconds=self.advance_s or 0)


class AdminApi:
    """The common endpoints over one emulator, plus the emulator's own routes."""

    def __init__(self, emulator: Emulator, extra: Sequence[AdminRoute] = ()) -> None:
        self._emulator = emulator
        routes = [
            AdminRoute("/reset", ("POST",), self._reset),
            AdminRoute("/faults", ("POST", "DELETE"), self._faults),
            AdminRoute("/calls", ("GET",), self._calls),
            AdminRoute("/clock", ("POST",), self._clock),
            AdminRoute("/records/<object_name>", ("GET",), self._records),
            *extra,
        ]
        self._handlers: dict[str, AdminHandler] = {}
        rules = []
        for index, route in enumerate(routes):
            # One endpoint per (path, methods): an emulator may add methods to a common path.
            endpoint = f"r{index}"
            self._handlers[endpoint] = route.handler
            rules.append(Rule(PREFIX + route.path, endpoint=endpoint, methods=list(route.methods)))
        self._urls = Map(rules, strict_slashes=False, merge_slashes=False)

    @staticmethod
    def handles(path: str) -> bool:
        return path == PREFIX or path.startswith(PREFIX + "/")

    def __call__(self, request: Request) -> Response:
        adapter = self._urls.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
            reply = self._handlers[endpoint](request, **args)
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or []))
            return _error(AdminError(405, "METHOD_NOT_ALLOWED", f"allowed: {allowed}"))
        except NotFound:
            return _error(not_found(f"no admin endpoint {request.method} {request.path}"))
        except AdminError as exc:
            return _error(exc)
        return Response(dumps(reply.body), status=reply.status, content_type=JSON_TYPE)

    # -- the common endpoints ------------------------------------------------------------

    def _reset(self, request: Request) -> AdminReply:
        self._emulator.reset()
        return AdminReply({"reset": True})

    def _faults(self, request: Request) -> AdminReply:
        faults = self._emulator.faults
        if request.method == "DELETE":
            return AdminReply({"cleared": faults.clear()})
        rule = fault_rule(json_body(request))
        faults.add(rule)
        return AdminReply({"added": asdict(rule)}, 201)

    def _calls(self, request: Request) -> AdminReply:
        return AdminReply([asdict(call) for call in self._emulator.calls.all()])

    def _clock(self, request: Request) -> AdminReply:
        try:
            advance = ClockAdvance.model_validate(json_body(request))
        except ValidationError as exc:
            raise bad_request(f"not a clock move: {exc.errors(include_url=False)}") from exc
        self._emulator.advance_clock(advance.delta())
        return AdminReply({"now": self._emulator.now().isoformat()})

    def _records(self, request: Request, object_name: str) -> AdminReply:
        include_deleted = request.args.get("includeDeleted", "").lower() == "true"
        try:
            rows = self._emulator.records_on_wire(object_name, include_deleted=include_deleted)
        except KeyError as exc:
            raise not_found(f"unknown object {object_name}") from exc
        return AdminReply(rows)


def _error(exc: AdminError) -> Response:
    body = {"error": exc.code, "message": exc.message}
    return Response(dumps(body), status=exc.status, content_type=JSON_TYPE)
