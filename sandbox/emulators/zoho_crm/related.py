"""The Zoho CRM emulator's related list of products on deals.

Zoho CRM v8 "Related Records" (``GET /{module}/{id}/{related_list_api_name}``, ``fields``
required, answers ``{"data": [...], "info": {...}}`` or 204 when the list is empty) and
"Update Related Records" (``PUT /{module}/{id}/{related_list}/{related_id}``, body
``{"data": [{}]}``, answers ``{"data": [{"code": "SUCCESS", "details": {"id"}, "message":
"relation updated successfully", "status": "success"}]}``); "Delink Related Records"
(``DELETE`` the same path, "relation removed"). The Deals -> Products related list carries the
product's own fields: a deal's product has no quantity of its own in Zoho CRM (Deluge's
``zoho.crm.getRelatedRecords("Products", "Deals", id)`` reads ``Unit_Price`` from each), so a
deal's line is one of the product at its unit price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.emulators.zoho_crm.records import Store, render

Answer = tuple[int, dict[str, Any] | None]
RELATED = {("Deals", "Products")}


def _error(status: int, code: str, message: str, details: Mapping[str, Any]) -> Answer:
    return status, {"code": code, "details": dict(details), "message": message, "status": "error"}


@dataclass
class RelatedLists:
    """Related record ids by (module, record id, related list)."""

    links: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def clear(self) -> None:
        self.links.clear()

    def relate(self, module: str, record_id: str, related: str, related_id: str) -> None:
        ids = self.links.setdefault((module, record_id, related), [])
        if related_id not in ids:
            ids.append(related_id)

    def delink(self, module: str, record_id: str, related: str, related_id: str) -> None:
        ids = self.links.get((module, record_id, related), [])
        if related_id in ids:
            ids.remove(related_id)

    def of(self, module: str, record_id: str, related: str) -> list[str]:
        return list(self.links.get((module, record_id, related), []))


def handles(parts: list[str]) -> bool:
    return len(parts) in (3, 4) and (parts[0], parts[2]) in RELATED


def route(
    store: Store, lists: RelatedLists, method: str, parts: list[str], args: Mapping[str, str]
) -> Answer:
    """Answer a related-list request as ``(http status, JSON body or None for 204)``."""
    module, record_id, related = parts[0], parts[1], parts[2]
    if store.get(module, record_id) is None:
        return _error(400, "INVALID_DATA", "the id given seems to be invalid", {"id": record_id})
    if len(parts) == 3 and method == "GET":
        raw = args.get("fields", "")
        if not raw:
            return _error(
                400,
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                {"param": "fields"},
            )
        fields = tuple(f.strip() for f in raw.split(",") if f.strip())
        rows = [store.get(related, i) for i in lists.of(module, record_id, related)]
        found = [render(r, fields) for r in rows if r is not None]
        if not found:
            return 204, None
        info = {"per_page": 200, "count": len(found), "page": 1, "more_records": False}
        return 200, {"data": found, "info": info}
    if len(parts) == 4 and method in ("PUT", "DELETE"):
        related_id = parts[3]
        if store.get(related, related_id) is None:
            return _error(
                400, "INVALID_DATA", "the related id given seems to be invalid", {"id": related_id}
            )
        if method == "PUT":
            lists.relate(module, record_id, related, related_id)
            message = "relation updated successfully"
        else:
            lists.delink(module, record_id, related, related_id)
            message = "relation removed"
        answer = {"code": "SUCCESS", "details": {"id": related_id}, "message": message}
        return 200, {"data": [{**answer, "status": "success"}]}
    return _error(405, "METHOD_NOT_ALLOWED", "The requested method is not allowed.", {})
