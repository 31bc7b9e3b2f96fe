"""The Zoho Books emulator's customer payments, applied to invoices.

Built from Zoho Books API v3 "Customer Payments"
(https://www.zoho.com/books/api/v3/customer-payments/):

=============================================  ================================================
``GET|POST /customerpayments``                 list (``customer_id``, ``last_modified_time``)
                                               / create
``GET /customerpayments/{id}``                 one payment
=============================================  ================================================

A create takes ``customer_id``, ``payment_mode``, ``amount``, ``date`` and ``invoices``
``[{"invoice_id", "amount_applied"}]`` (required), ``reference_number``, ``description``,
``exchange_rate`` (1 foreign unit = N base units). Each invoice must be the customer's, open
(``sent`` / ``partially_paid``) and owe at least what is applied; the applied amounts may not
exceed ``amount`` (what is left is ``unused_amount``). Applying lowers the invoice's
``balance`` and makes it ``paid`` or ``partially_paid``. It answers 201 ``{"code": 0,
"message": "The payment has been created.", "payment": {…}}`` with ``payment_id``,
``payment_number``, ``customer_name``, ``currency_code`` and ``invoices`` ``[{"invoice_id",
"invoice_number", "date", "invoice_amount", "amount_applied", "balance_amount"}]``. The whole
payment is refused (nothing applied) when one application is invalid. Error codes (UNVERIFIED):
4 for an invalid value, 1002 "… does not exist.".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sandbox.emulators.zoho_books.purchase_orders import page_of, since_filter
from sandbox.emulators.zoho_books.store import (
    BooksError,
    Organization,
    Row,
    date_of,
    decimal_of,
    invalid,
    missing,
    render,
)

KIND = "customerpayments"
OPEN = frozenset({"sent", "partially_paid", "overdue"})
LIST_FIELDS = (
    "payment_id", "payment_number", "customer_id", "customer_name", "payment_mode", "date",
    "amount", "unused_amount", "reference_number", "currency_code", "exchange_rate",
    "created_time", "last_modified_time",
)  # fmt: skip


class Invoices(Protocol):
    """What payments need of the organisation's invoices."""

    def get(self, kind: str, doc_id: str) -> Row: ...

    def apply_payment(self, invoice_id: str, amount: Decimal) -> Row: ...


@dataclass
class Payments:
    org: Organization
    invoices: Invoices
    rows: dict[str, Row] = field(default_factory=dict)
    _number: int = 0

    def clear(self) -> None:
        self.rows.clear()
        self._number = 0

    def get(self, payment_id: str) -> Row:
        row = self.rows.get(payment_id)
        if row is None:
            raise missing("Payment")
        return row

    def create(self, body: Mapping[str, Any]) -> Row:
        customer = self.org.contacts.get(str(body.get("customer_id") or ""))
        if customer is None or customer.get("contact_type") != "customer":
            raise invalid("customer_id")
        mode = body.get("payment_mode")
        if not isinstance(mode, str) or not mode:
            raise invalid("payment_mode")
        amount = decimal_of("amount", body.get("amount"))
        if amount <= 0:
            raise invalid("amount")
        when = date_of("date", body.get("date"))
        applications = body.get("invoices")
        if not isinstance(applications, list) or not applications:
            raise invalid("invoices")
        planned: list[tuple[Row, Decimal]] = []
        for entry in applications:
            if not isinstance(entry, Mapping):
                raise invalid("invoices")
            invoice = self.invoices.get("invoices", str(entry.get("invoice_id") or ""))
            applied = decimal_of("amount_applied", entry.get("amount_applied"))
            if (
                invoice["customer_id"] != customer["contact_id"]
                or invoice["status"] not in OPEN
                or applied <= 0
                or applied > invoice["balance"]
            ):
                raise invalid("amount_applied")
            planned.append((invoice, applied))
        total_applied = sum((a for _, a in planned), Decimal(0))
        if total_applied > amount:
            raise invalid("amount")
        currency = planned[0][0].get("currency_code", self.org.currency_code)
        rate = decimal_of("exchange_rate", body.get("exchange_rate", 1))
        now = self.org.clock.now()
        lines = []
        for invoice, applied in planned:
            after = self.invoices.apply_payment(invoice["invoice_id"], applied)
            lines.append(
                {
                    "invoice_id": after["invoice_id"],
                    "invoice_number": after["invoice_number"],
                    "date": after["date"],
                    "invoice_amount": after["total"],
                    "amount_applied": applied,
                    "balance_amount": after["balance"],
                }
            )
        self._number += 1
        row: Row = {
            "payment_id": self.org.ids.next(),
            "payment_number": str(self._number),
            "customer_id": customer["contact_id"],
            "customer_name": customer["contact_name"],
            "payment_mode": mode,
            "date": when,
            "amount": amount,
            "unused_amount": amount - total_applied,
            "reference_number": str(body.get("reference_number") or ""),
            "description": str(body.get("description") or ""),
            "currency_code": currency,
            "exchange_rate": rate,
            "invoices": lines,
            "created_time": now,
            "last_modified_time": now,
        }
        self.rows[row["payment_id"]] = row
        self.org._tell(KIND, row["payment_id"])
        return row

    def select(self, args: Mapping[str, str]) -> list[Row]:
        selected = list(self.rows.values())
        if "customer_id" in args:
            selected = [r for r in selected if r["customer_id"] == args["customer_id"]]
        selected = since_filter(selected, args)
        selected.sort(key=lambda r: (r["created_time"], int(r["payment_id"])))
        if args.get("sort_order", "A") == "D":
            selected.reverse()
        return selected


def handles(parts: list[str]) -> bool:
    return bool(parts) and parts[0] == KIND


def target(method: str, parts: list[str]) -> str:
    if method == "GET":
        return f"{'read' if len(parts) > 1 else 'list'} {KIND}"
    return f"create {KIND}"


def route(
    payments: Payments,
    method: str,
    parts: list[str],
    args: Mapping[str, str],
    body: Mapping[str, Any] | None,
) -> tuple[int, Row]:
    if len(parts) == 1 and method == "GET":
        listed = [{k: r[k] for k in LIST_FIELDS if k in r} for r in payments.select(args)]
        return 200, page_of(KIND, listed, args)
    if len(parts) == 1 and method == "POST":
        row = payments.create(body or {})
        return 201, {"code": 0, "message": "The payment has been created.", "payment": _wire(row)}
    if len(parts) == 2 and method == "GET":
        return 200, {"code": 0, "message": "success", "payment": _wire(payments.get(parts[1]))}
    raise BooksError(405, 37, "The HTTP method is not allowed for the requested resource")


def _wire(row: Row) -> Row:
    out = render(row)
    out["invoices"] = [dict(line) for line in row["invoices"]]
    return out
