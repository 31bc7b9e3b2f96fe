"""The Zoho Books emulator's purchase orders.

Built from Zoho Books API v3 "Purchase Order" (https://www.zoho.com/books/api/v3/purchase-order/):

=============================================  ================================================
``GET|POST /purchaseorders``                   list (filters below) / create
``GET /purchaseorders/{id}``                   one purchase order
``POST /purchaseorders/{id}/status/open|       mark it (a draft opens; a cancelled one cannot
cancelled``                                    open again)
=============================================  ================================================

A create takes ``vendor_id`` (a vendor of the organisation), ``line_items`` ``[{"item_id",
"name", "rate", "quantity", "description"}]`` (``rate`` defaults to the item's
``purchase_rate``, else its ``rate``), ``currency_code`` (the vendor's by default),
``exchange_rate`` (1 foreign unit = N base units; 1 in the base currency), ``date``,
``delivery_date``, ``reference_number``, ``notes``. It answers 201 ``{"code": 0, "message":
"Purchase order has been created.", "purchaseorder": {…}}`` with ``purchaseorder_id``,
``purchaseorder_number`` (``PO-00001``), ``status`` (``draft``, ``open``, ``billed``,
``cancelled``), ``vendor_name``, ``sub_total`` and ``total`` (the lines' sum, no tax).

Lists answer ``{"purchaseorders": [...], "page_context": {...}}``, filter by ``vendor_id``,
``status`` and ``last_modified_time`` (at or after), sorted by ``created_time`` then id (200 a
page). Error codes the docs do not give (UNVERIFIED, the emulator's choice): 4 for an invalid
value or a status change the order's status forbids, 1002 "… does not exist.".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.emulators.zoho_books.line_items import line_items
from sandbox.emulators.zoho_books.store import (
    BooksError,
    Organization,
    Row,
    date_of,
    decimal_of,
    invalid,
    missing,
    parse_time,
    render,
)

KIND = "purchaseorders"
MAX_PER_PAGE = 200
MARKS = {"open": frozenset({"draft", "open"}), "cancelled": frozenset({"draft", "open"})}
LIST_FIELDS = (
    "purchaseorder_id", "purchaseorder_number", "vendor_id", "vendor_name", "status", "date",
    "delivery_date", "reference_number", "currency_code", "exchange_rate", "total",
    "created_time", "last_modified_time",
)  # fmt: skip


def page_of(kind: str, rows: list[Row], args: Mapping[str, str]) -> Row:
    """One page of ``rows`` as Books lists answer it."""
    try:
        page = max(int(args.get("page", 1)), 1)
        per_page = min(max(int(args.get("per_page", MAX_PER_PAGE)), 1), MAX_PER_PAGE)
    except ValueError:
        raise invalid("page") from None
    chunk = rows[(page - 1) * per_page : page * per_page]
    return {
        "code": 0,
        "message": "success",
        kind: [render(r) for r in chunk],
        "page_context": {
            "page": page,
            "per_page": per_page,
            "has_more_page": page * per_page < len(rows),
            "sort_column": "created_time",
            "sort_order": args.get("sort_order", "A"),
        },
    }


def since_filter(rows: list[Row], args: Mapping[str, str]) -> list[Row]:
    if "last_modified_time" not in args:
        return rows
    since = parse_time(args["last_modified_time"])
    if since is None:
        raise invalid("last_modified_time")
    return [r for r in rows if r["last_modified_time"] >= since]


@dataclass
class PurchaseOrders:
    org: Organization
    rows: dict[str, Row] = field(default_factory=dict)
    _number: int = 0

    def clear(self) -> None:
        self.rows.clear()
        self._number = 0

    def get(self, order_id: str) -> Row:
        row = self.rows.get(order_id)
        if row is None:
            raise missing("Purchase order")
        return row

    def create(self, body: Mapping[str, Any]) -> Row:
        vendor = self.org.contacts.get(str(body.get("vendor_id") or ""))
        if vendor is None or vendor.get("contact_type") != "vendor":
            raise invalid("vendor_id")
        currency = body.get("currency_code", vendor.get("currency_code") or self.org.currency_code)
        if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
            raise invalid("currency_code")
        currency = currency.upper()
        rate = decimal_of("exchange_rate", body.get("exchange_rate", 1))
        if rate <= 0 or (currency == self.org.currency_code and rate != 1):
            raise invalid("exchange_rate")
        now = self.org.clock.now()
        self._number += 1
        lines = line_items(
            self.org, body.get("line_items"), lambda item: item.get("purchase_rate") or item["rate"]
        )
        total = sum((line["item_total"] for line in lines), Decimal(0))
        row: Row = {
            "purchaseorder_id": self.org.ids.next(),
            "purchaseorder_number": f"PO-{self._number:05d}",
            "status": "draft",
            "vendor_id": vendor["contact_id"],
            "vendor_name": vendor["contact_name"],
            "date": date_of("date", body["date"]) if "date" in body else now.date().isoformat(),
            "delivery_date": (
                date_of("delivery_date", body["delivery_date"])
                if "delivery_date" in body
                else now.date().isoformat()
            ),
            "reference_number": str(body.get("reference_number") or ""),
            "notes": str(body.get("notes") or ""),
            "currency_code": currency,
            "exchange_rate": rate,
            "line_items": lines,
            "sub_total": total,
            "total": total,
            "created_time": now,
            "last_modified_time": now,
        }
        self.rows[row["purchaseorder_id"]] = row
        self.org._tell(KIND, row["purchaseorder_id"])
        return row

    def mark(self, order_id: str, status: str) -> Row:
        row = self.get(order_id)
        allowed = MARKS.get(status)
        if allowed is None:
            raise BooksError(404, 5, "Invalid URL Passed")
        if row["status"] not in allowed:
            raise BooksError(
                400, 4, f"The purchase order cannot be marked as {status} from {row['status']}."
            )
        if row["status"] != status:
            row["status"] = status
            row["last_modified_time"] = self.org.clock.now()
            self.org._tell(KIND, order_id)
        return row

    def select(self, args: Mapping[str, str]) -> list[Row]:
        selected = list(self.rows.values())
        for name in ("vendor_id", "status"):
            if name in args:
                wanted = args[name].casefold()
                selected = [r for r in selected if str(r.get(name) or "").casefold() == wanted]
        selected = since_filter(selected, args)
        selected.sort(key=lambda r: (r["created_time"], int(r["purchaseorder_id"])))
        if args.get("sort_order", "A") == "D":
            selected.reverse()
        return selected


def handles(parts: list[str]) -> bool:
    return bool(parts) and parts[0] == KIND


def target(method: str, parts: list[str]) -> str:
    if len(parts) >= 3 and parts[2] == "status":
        return f"mark {KIND}"
    if method == "GET":
        return f"{'read' if len(parts) > 1 else 'list'} {KIND}"
    return f"create {KIND}"


def route(
    orders: PurchaseOrders,
    method: str,
    parts: list[str],
    args: Mapping[str, str],
    body: Mapping[str, Any] | None,
) -> tuple[int, Row]:
    if len(parts) == 1 and method == "GET":
        listed = [{k: r[k] for k in LIST_FIELDS if k in r} for r in orders.select(args)]
        return 200, page_of(KIND, listed, args)
    if len(parts) == 1 and method == "POST":
        row = orders.create(body or {})
        return 201, {
            "code": 0,
            "message": "Purchase order has been created.",
            "purchaseorder": render(row),
        }
    if len(parts) == 2 and method == "GET":
        return 200, {"code": 0, "message": "success", "purchaseorder": render(orders.get(parts[1]))}
    if len(parts) == 4 and parts[2] == "status" and method == "POST":
        orders.mark(parts[1], parts[3])
        return 200, {"code": 0, "message": f"Purchase order has been marked as {parts[3]}."}
    raise BooksError(405, 37, "The HTTP method is not allowed for the requested resource")
