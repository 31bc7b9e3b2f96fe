"""Zoho Books sales documents: estimates, sales orders and invoices (Books API v3 "Estimates",
"Sales Orders", "Invoices").

Each document is ``/{kind}`` and ``/{kind}/{id}`` (``kind``: ``estimates``, ``salesorders``,
``invoices``); an answer carries one under its singular (``estimate``, ``salesorder``,
``invoice``). Status changes are ``POST /{kind}/{id}/status/{status}`` (estimates ``sent`` /
``accepted`` / ``declined``, sales orders ``open`` / ``void``, invoices ``sent`` / ``void``);
``POST /{kind}/{id}/email`` emails one (``to_mail_ids``, or the customer's own address).

Books has no batch create, update or status change for documents: each is one call. A
create has no key of its own, so it is sent once (no blind retry): after a lost answer the
caller looks the document up by its ``reference_number`` before creating again
(:meth:`BooksDocuments.find`, the list filtered by reference).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.connectors.zoho_books.client import ZohoBooksClient
from shared.errors import NotFoundError

MAX_PER_PAGE = 200


class DocumentKind(StrEnum):
    ESTIMATES = "estimates"
    SALESORDERS = "salesorders"
    INVOICES = "invoices"

    @property
    def singular(self) -> str:
        return self.value.removesuffix("s")

    @property
    def id_field(self) -> str:
        return f"{self.singular}_id"


class DocumentLine(BaseModel):
    """One line to send: an item, how many, at what rate (None: the item's own)."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    quantity: Decimal = Decimal(1)
    rate: Decimal | None = None
    description: str = ""

    def wire(self) -> dict[str, Any]:
        line: dict[str, Any] = {"item_id": self.item_id, "quantity": self.quantity}
        if self.rate is not None:
            line["rate"] = self.rate
        if self.description:
            line["description"] = self.description
        return line


class SalesDocument(BaseModel):
    """A document as Books answers it (the fields ledgerlink reads)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: DocumentKind
    document_id: str
    number: str = ""
    status: str
    reference_number: str = ""
    customer_id: str = ""
    currency_code: str = ""
    total: Decimal = Decimal(0)
    balance: Decimal | None = None
    line_items: tuple[dict[str, Any], ...] = Field(default=())

    @classmethod
    def of(cls, kind: DocumentKind, row: Mapping[str, Any]) -> SalesDocument:
        return cls(
            kind=kind,
            document_id=str(row[kind.id_field]),
            number=str(row.get(f"{kind.singular}_number") or ""),
            status=str(row.get("status") or ""),
            reference_number=str(row.get("reference_number") or ""),
            customer_id=str(row.get("customer_id") or ""),
            currency_code=str(row.get("currency_code") or ""),
            total=Decimal(str(row.get("total") or 0)),
            balance=Decimal(str(row["balance"])) if row.get("balance") is not None else None,
            line_items=tuple(dict(x) for x in row.get("line_items") or ()),
        )


def document_body(
    *,
    customer_id: str,
    lines: Sequence[DocumentLine],
    reference_number: str | None = None,
    currency_code: str | None = None,
    exchange_rate: Decimal | None = None,
    date: str | None = None,
) -> dict[str, Any]:
    """The body of a create or an update: customer, lines and what else is given."""
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "line_items": [line.wire() for line in lines],
    }
    if reference_number is not None:
        body["reference_number"] = reference_number
    if currency_code:
        body["currency_code"] = currency_code
    if exchange_rate is not None:
        body["exchange_rate"] = exchange_rate
    if date:
        body["date"] = date
    return body


class BooksDocuments:
    def __init__(self, client: ZohoBooksClient) -> None:
        self.client = client

    def find(
        self, kind: DocumentKind, reference_number: str, *, prefix: bool = False
    ) -> list[SalesDocument]:
        """The documents of ``kind`` whose reference is ``reference_number`` (or, with
        ``prefix``, starts with it: the documented ``reference_number_startswith``), oldest
        first."""
        found: list[SalesDocument] = []
        page = 1
        name = "reference_number_startswith" if prefix else "reference_number"
        while True:
            params = {
                name: reference_number,
                "per_page": str(MAX_PER_PAGE),
                "page": str(page),
                "sort_column": "created_time",
                "sort_order": "A",
            }
            _, answer = self.client.request("GET", kind.value, params=params)
            rows = [r for r in answer.get(kind.value, []) if isinstance(r, Mapping)]
            # Books' filter may match loosely: keep the exact reference only
            for row in rows:
                reference = str(row.get("reference_number") or "")
                if reference == reference_number or (
                    prefix and reference.startswith(reference_number)
                ):
                    found.append(SalesDocument.of(kind, row))
            if not answer.get("page_context", {}).get("has_more_page"):
                return found
            page += 1

    def get(self, kind: DocumentKind, document_id: str) -> SalesDocument | None:
        try:
            _, answer = self.client.request("GET", f"{kind.value}/{document_id}")
        except NotFoundError:
            return None
        return SalesDocument.of(kind, answer[kind.singular])

    def create(self, kind: DocumentKind, body: Mapping[str, Any]) -> SalesDocument:
        """Sent once: a transient failure is raised as it is, and the caller looks the
        document up by its reference before trying again."""
        _, answer = self.client.request("POST", kind.value, body=dict(body), once=True)
        return SalesDocument.of(kind, answer[kind.singular])

    def update(
        self, kind: DocumentKind, document_id: str, body: Mapping[str, Any]
    ) -> SalesDocument:
        _, answer = self.client.request("PUT", f"{kind.value}/{document_id}", body=dict(body))
        return SalesDocument.of(kind, answer[kind.singular])

    def mark(self, kind: DocumentKind, document_id: str, status: str) -> None:
        """A status change; the same change twice leaves it as it is."""
        self.client.request("POST", f"{kind.value}/{document_id}/status/{status}")

    def email(self, kind: DocumentKind, document_id: str, to: Sequence[str] | None = None) -> None:
        """Email it (to the customer's own address when ``to`` is None); a draft is sent."""
        body: dict[str, Any] = {"to_mail_ids": list(to)} if to else {}
        self.client.request("POST", f"{kind.value}/{document_id}/email", body=body)
