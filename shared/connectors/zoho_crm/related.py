"""Zoho CRM related lists: ``GET /{module}/{id}/{related_list}?fields=…`` (Zoho CRM v8
"Related Records": ``{"data": [...], "info": {"more_records"}}``, 204 when the list is
empty), read page by page (200 a page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.connectors.zoho_crm import coql
from shared.connectors.zoho_crm.client import ZohoCrmClient
from shared.connectors.zoho_crm.connector import flatten
from shared.connectors.zoho_crm.models import Page

PER_PAGE = 200


def related_records(
    client: ZohoCrmClient, module: str, record_id: str, related_list: str, fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The records of ``record_id``'s related list, each flattened (``Vendor_Name.id``)."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.request(
            "GET",
            f"{coql.name(module)}/{record_id}/{coql.name(related_list)}",
            params={
                "fields": ",".join(coql.base_fields([*fields, "id"])),
                "page": str(page),
                "per_page": str(PER_PAGE),
            },
        )
        if body is None:
            return rows
        parsed = Page.model_validate(body)
        rows.extend(flatten(raw) for raw in parsed.data)
        if not parsed.more or not parsed.data:
            return rows
        page += 1
