"""Salesforce's own endpoints beside the common admin API (:mod:`sandbox.emulators.admin`).

- ``GET /__admin__/outbound`` - the outbound rules and what is queued
- ``POST /__admin__/outbound/deliver`` - deliver queued outbound messages now ->
  ``{"acked", "pending"}``
- ``POST /__admin__/records/{sobject}`` - seed a record as the org's admin -> 201 ``{"id"}``
- ``PATCH /__admin__/records/{sobject}/{id}`` - update one -> ``{"id"}``

Record bodies are read as the REST API reads them (numbers exact).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request

from sandbox.emulators.admin import AdminReply, AdminRoute, bad_request, not_found
from sandbox.emulators.salesforce import errors, wire
from sandbox.emulators.salesforce.org import Org
from sandbox.emulators.salesforce.schema import ObjectDef


def _object(org: Org, name: str) -> ObjectDef:
    obj = org.schema.get(name)
    if obj is None:
        raise not_found(f"unknown object {name}")
    return obj


def _fields(request: Request) -> dict[str, Any]:
    try:
        body = wire.read_json(request.get_data())
    except errors.ApiError as exc:
        raise bad_request(exc.message) from exc
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def admin_routes(org: Org, deliver: Callable[[], int]) -> list[AdminRoute]:
    def outbound(request: Request) -> AdminReply:
        return AdminReply(
            {
                "pending": [
                    {
                        "notification_id": p.notification_id,
                        "message": p.message.name,
                        "record_id": p.record_id,
                        "attempts": p.attempts,
                    }
                    for p in org.outbound.pending()
                ],
                "messages": [
                    {"name": m.name, "sobject": m.sobject, "endpoint_url": m.endpoint_url}
                    for m in org.outbound.messages
                ],
            }
        )

    def deliver_now(request: Request) -> AdminReply:
        acked = deliver()
        return AdminReply({"acked": acked, "pending": len(org.outbound.pending())})

    def seed(request: Request, object_name: str) -> AdminReply:
        obj = _object(org, object_name)
        fields = _fields(request)
        with org.store.lock:
            try:
                record_id = org.store.create(obj, fields, api=False).id
            except errors.ApiError as exc:
                raise bad_request(exc.message) from exc
        return AdminReply({"id": record_id}, 201)

    def update(request: Request, object_name: str, record_id: str) -> AdminReply:
        obj = _object(org, object_name)
        fields = _fields(request)
        with org.store.lock:
            row = org.store.get(record_id)
            if row is None or row.obj is not obj:
                raise not_found(f"no {obj.name} {record_id}")
            try:
                org.store.update(row, fields, api=False)
            except errors.ApiError as exc:
                raise bad_request(exc.message) from exc
        return AdminReply({"id": record_id})

    return [
        AdminRoute("/outbound", ("GET",), outbound),
        AdminRoute("/outbound/deliver", ("POST",), deliver_now),
        AdminRoute("/records/<object_name>", ("POST",), seed),
        AdminRoute("/records/<object_name>/<record_id>", ("PATCH",), update),
    ]
