"""Zoho Books reads for the CRM's finance modules: documents changed since a time, page by
page (Books API v3 lists of ``invoices``, ``estimates``, ``salesorders``,
``purchaseorders``, filtered by ``last_modified_time``, 200 a page, ``page_context.
has_more_page``), and the organisation's currencies (``GET /settings/currencies``, "Currency":
each with ``is_base_currency`` and, for a foreign one, its latest ``exchange_rate``, 1 foreign
unit = N base units)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from shared.connectors.zoho_books.client import ZohoBooksClient

MAX_PER_PAGE = 200
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
DOCUMENT_LISTS = frozenset({"invoices", "estimates", "salesorders", "purchaseorders"})


def changed_documents(
    client: ZohoBooksClient, path: str, since: datetime | None
) -> Iterator[dict[str, Any]]:
    """The list rows of ``path`` modified at or after ``since`` (all when None)."""
    if path not in DOCUMENT_LISTS:
        raise ValueError(f"not a Zoho Books document list: {path}")
    params = {"per_page": str(MAX_PER_PAGE), "sort_order": "A"}
    if since is not None:
        params["last_modified_time"] = since.astimezone(UTC).strftime(TIME_FORMAT)
    page = 1
    while True:
        _, answer = client.request("GET", path, params={**params, "page": str(page)})
        for row in answer.get(path, []):
            if isinstance(row, dict):
                yield row
        if not answer.get("page_context", {}).get("has_more_page"):
            return
        page += 1


def currencies(client: ZohoBooksClient) -> list[dict[str, Any]]:
    _, answer = client.request("GET", "settings/currencies")
    return [dict(c) for c in answer.get("currencies", []) if isinstance(c, dict)]


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(str(value), TIME_FORMAT)
