"""``/__admin__/``: JSON endpoints for the sandbox (and curl) to drive the emulator.

- ``POST /__admin__/reset`` - clear records, outbound queue, faults and calls
- ``POST /__admin__/faults`` - add a :class:`FaultRule` (``{"match", "kind", "times",
  "status", "latency_s", "message"}``); ``DELETE`` clears them
- ``GET /__admin__/calls`` - the call log
- ``POST /__admin__/outbound/deliver`` - deliver queued outbound messages now;
  ``GET /__admin__/outbound`` - what is queued
- ``GET /__admin__/records/{sobject}`` (``?includeDeleted=true``) - the records, as the API
  renders them; ``POST`` seeds one (``{"id"}`` back), ``PATCH .../{id}`` updates one
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Request

from sandbox.emulators.common import FaultRule
from sandbox.emulators.salesforce import errors, wire
from sandbox.emulators.salesforce.org import API_VERSION, Org
from sandbox.emulators.salesforce.render import render_fields
from sandbox.emulators.salesforce.wire import Reply

_RULE_FIELDS = {f.name for f in dataclass_fields(FaultRule)}


class AdminApi:
    def __init__(self, org: Org, deliver: Callable[[], int]) -> None:
        self.org = org
        self.deliver = deliver

    def handle(self, endpoint: str, request: Request, args: dict[str, str]) -> Reply:
        try:
            return getattr(self, endpoint)(request, **args)  # type: ignore[no-any-return]
        except errors.ApiError as exc:
            return Reply(exc.status, {"error": exc.code, "message": exc.message})

    def admin_reset(self, request: Request) -> Reply:
        self.org.reset()
        return Reply(200, {"reset": True})

    def admin_faults(self, request: Request) -> Reply:
        if request.method == "DELETE":
            self.org.faults.clear()
            return Reply.empty()
        body = wire.read_json(request.get_data())
        if not isinstance(body, dict) or not set(body) <= _RULE_FIELDS or "match" not in body:
            return Reply(400, {"error": "BAD_FAULT", "message": f"expected {sorted(_RULE_FIELDS)}"})
        try:
            rule = FaultRule(**{k: _plain(v) for k, v in body.items()})
        except (TypeError, ValueError) as exc:
            return Reply(400, {"error": "BAD_FAULT", "message": str(exc)})
        self.org.faults.add(rule)
        return Reply(201, {"added": {k: getattr(rule, k) for k in sorted(_RULE_FIELDS)}})

    def admin_calls(self, request: Request) -> Reply:
        return Reply(
            200,
            [
                {"op": c.op, "target": c.target, "record_id": c.record_id, "ok": c.ok, "at": c.at}
                for c in self.org.calls.all()
            ],
        )

    def admin_deliver(self, request: Request) -> Reply:
        acked = self.deliver()
        return Reply(200, {"acked": acked, "pending": len(self.org.outbound.pending())})

    def admin_outbound(self, request: Request) -> Reply:
        return Reply(
            200,
            {
                "pending": [
                    {
                        "notification_id": p.notification_id,
                        "message": p.message.name,
                        "record_id": p.record_id,
                        "attempts": p.attempts,
                    }
                    for p in self.org.outbound.pending()
                ],
                "messages": [
                    {"name": m.name, "sobject": m.sobject, "endpoint_url": m.endpoint_url}
                    for m in self.org.outbound.messages
                ],
            },
        )

    def admin_records(self, request: Request, sobject: str) -> Reply:
        obj = self.org.schema.get(sobject)
        if obj is None:
            raise errors.not_found()
        store = self.org.store
        with store.lock:
            if request.method == "POST":
                body = wire.read_json(request.get_data())
                if not isinstance(body, dict):
                    raise errors.json_parser("expected a JSON object")
                return Reply(201, {"id": store.create(obj, body, api=False).id})
            deleted = request.args.get("includeDeleted", "").lower() == "true"
            rows = store.rows(obj, include_deleted=deleted)
            return Reply(200, [render_fields(store, r, API_VERSION) for r in rows])

    def admin_record(self, request: Request, sobject: str, record_id: str) -> Reply:
        store = self.org.store
        with store.lock:
            row = store.get(record_id)
            if row is None or row.obj.name.lower() != sobject.lower():
                raise errors.not_found()
            body = wire.read_json(request.get_data())
            if not isinstance(body, dict):
                raise errors.json_parser("expected a JSON object")
            store.update(row, body, api=False)
            return Reply.empty()


def _plain(value: Any) -> Any:
    """JSON numbers arrive as Decimal; the fault rule wants float/int."""
    return float(value) if isinstance(value, Decimal) else value
