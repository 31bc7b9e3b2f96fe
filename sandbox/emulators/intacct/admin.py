"""The JSON admin API under ``/__admin__/`` (not part of Intacct; for the served sandbox).

``POST reset``                  clear records, sessions, calls and faults (senders,
                                companies and users stay)
``POST faults``                 add a FaultRule: ``{"match": "create CUSTOMER",
                                "kind": "rate_limit", "times": 1, "status": 503,
                                "latency_s": 0, "message": "…"}``
``DELETE faults``               remove every fault rule
``GET calls``                   the call log: ``[{"op", "target", "record_id", "ok", "at"}]``
``POST billing-run``            ``{"as_of": "YYYY-MM-DD", "company_id": optional}`` ->
                                ``{"invoices": [SODOCUMENT RECORDNO, …]}``
``POST clock``                  ``{"advance_s": 60}`` moves the company clock forward
``GET records/{OBJECT}``        every record of an object, values as on the wire
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any, cast, get_args

from werkzeug.wrappers import Request, Response

from sandbox.emulators.common import FaultKind, FaultRule
from sandbox.emulators.intacct.schema import to_json

if TYPE_CHECKING:
    from sandbox.emulators.intacct.app import IntacctEmulator

PREFIX = "/__admin__/"


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _body(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(request.get_data() or b"{}")
    except json.JSONDecodeError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _fault(payload: dict[str, Any]) -> FaultRule | None:
    kind = payload.get("kind")
    if not isinstance(payload.get("match"), str) or kind not in get_args(FaultKind):
        return None
    return FaultRule(
        match=payload["match"],
        kind=cast(FaultKind, kind),
        times=int(payload.get("times", 1)),
        status=int(payload.get("status", 503)),
        latency_s=float(payload.get("latency_s", 0.0)),
        message=str(payload.get("message", "Injected fault")),
    )


def handle(emulator: IntacctEmulator, request: Request) -> Response:
    action = request.path[len(PREFIX) :].strip("/")
    method = request.method
    if action == "reset" and method == "POST":
        emulator.reset()
        return _json({"ok": True})
    if action == "faults" and method == "POST":
        rule = _fault(_body(request))
        if rule is None:
            return _json({"error": "need match (string) and kind (a FaultKind)"}, 400)
        emulator.faults.add(rule)
        return _json({"ok": True})
    if action == "faults" and method == "DELETE":
        emulator.faults.clear()
        return _json({"ok": True})
    if action == "calls" and method == "GET":
        return _json([asdict(call) for call in emulator.calls.all()])
    if action == "billing-run" and method == "POST":
        payload = _body(request)
        try:
            as_of = date.fromisoformat(str(payload.get("as_of")))
        except ValueError:
            return _json({"error": "as_of must be YYYY-MM-DD"}, 400)
        company_id = payload.get("company_id")
        invoices = emulator.run_billing(as_of, company_id=company_id if company_id else None)
        return _json({"invoices": invoices})
    if action == "clock" and method == "POST":
        emulator.advance_clock(float(_body(request).get("advance_s", 0)))
        return _json({"now": emulator.now().isoformat()})
    if action.startswith("records/") and method == "GET":
        object_name = action[len("records/") :]
        try:
            rows = emulator.records(object_name)
        except KeyError:
            return _json({"error": f"unknown object {object_name}"}, 404)
        return _json([{k: to_json(v) for k, v in row.items()} for row in rows])
    return _json({"error": f"no admin endpoint {method} {action}"}, 404)
