"""The Zoho Books emulator's sales documents: estimates, sales orders and invoices.

Built from Zoho Books API v3 "Estimates" (https://www.zoho.com/books/api/v3/estimates/),
"Sales Orders" (…/salesorders/) and "Invoices" (…/invoices/), and the Deluge task
``zoho.books.markStatus`` (https://www.zoho.com/deluge/help/books/mark-status.html: estimates
take ``sent`` / ``accepted`` / ``declined``, invoices ``sent`` / ``void``).

Routes under ``/books/v3`` (``?organization_id=`` as everywhere):

================================================  ==============================================
``GET|POST /estimates``                           list (filters below) / create
``GET|PUT /estimates/{id}``                       one estimate / update it
``POST /estimates/{id}/status/sent|accepted|      mark it; ``accepted`` / ``declined`` need it
declined``                                        sent first (a draft answers code 4)
``POST /estimates/{id}/email``                    email it; a draft becomes ``sent``
``GET|POST /salesorders``, ``GET|PUT /salesorders/{id}``  the same for sales orders
``POST /salesorders/{id}/status/open|void``       mark it
``GET|POST /invoices``, ``GET|PUT /invoices/{id}``        the same for invoices
``POST /invoices/{id}/status/sent|void``          mark it (a void invoice cannot be edited)
``POST /invoices/{id}/email``                     email it; a draft becomes ``sent``
================================================  ==============================================

A document's body (create / update): ``customer_id`` (a customer of the organisation),
``line_items`` ``[{"item_id", "quantity", "rate", "name", "description"}]`` (``rate`` defaults
to the item's own), ``currency_code`` (the customer's by default), ``exchange_rate`` (1 foreign
unit = N base units; 1 in the base currency), ``reference_number``, ``date`` and
``due_date`` (invoices) / ``expiry_date`` (estimates) / ``shipment_date`` (sales orders),
``notes``, ``terms``. Answers ``{"code": 0, "message", "estimate" | "salesorder" |
"invoice": {…}}``; created ones with HTTP 201. Numbers: ``EST-00001``, ``SO-00001``,
``INV-000001``. Each line answers ``line_item_id`` and ``item_total`` (= ``rate`` times
``quantity``, Decimal); the document ``sub_total`` and ``total`` (the lines' sum, no tax), an
invoice ``balance`` (``total`` less payments). Statuses: estimates ``draft``, ``sent``,
``accepted``, ``declined``; sales orders ``draft``, ``open``, ``void``; invoices ``draft``,
``sent``, ``partially_paid``, ``paid``, ``void``.

Lists answer ``{"<kind>": [...], "page_context": {...}}`` and filter by ``customer_id``,
``status``, ``reference_number`` (exact, case-insensitive) and its documented variants
``reference_number_startswith`` / ``_contains``, ``last_modified_time`` (at or after);
sorted by ``created_time`` then id, ``sort_order`` ``A`` / ``D``, 200 a page.

Code numbers the docs do not give (UNVERIFIED, the emulator's choice): 4 for an invalid
value or a status change the document's status forbids, 1002 "… does not exist.".

The store's API, for other emulator modules (payments, purchase orders, mirrors):

- ``SalesDocuments(org)``: one organisation's documents; ``rows(kind)`` the dict of one kind
  (``estimates`` / ``salesorders`` / ``invoices``) by id, rows as stored (Decimal money,
  datetime stamps); ``get(kind, id)``;
- ``create(kind, body)``, ``update(kind, id, body)``, ``mark(kind, id, status)``,
  ``email(kind, id, body)``: as the routes, raising :class:`BooksError`;
- ``apply_payment(invoice_id, amount)``: lowers an invoice's ``balance`` and sets ``paid`` /
  ``partially_paid`` (for a payments module); ``emails``: what was emailed, in order;
- :func:`route` answers one request as ``(http status, body)``; :func:`target` names it for
  faults and the call log (``create invoices``, ``mark invoices``, ``email invoices`` …).
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

KINDS = ("estimates", "salesorders", "invoices")
SINGULAR = {"estimates": "estimate", "salesorders": "salesorder", "invoices": "invoice"}
ID_FIELD = {k: f"{v}_id" for k, v in SINGULAR.items()}
NUMBER_FIELD = {k: f"{v}_number" for k, v in SINGULAR.items()}
PREFIX = {"estimates": ("EST-", 5), "salesorders": ("SO-", 5), "invoices": ("INV-", 6)}
TITLE = {"estimates": "Estimate", "salesorders": "Sales Order", "invoices": "Invoice"}
LATER_DATE = {"estimates": "expiry_date", "salesorders": "shipment_date", "invoices": "due_date"}
# status -> the statuses a document may be in to be marked so
MARKS: dict[str, dict[str, frozenset[str]]] = {
    "estimates": {
        "sent": frozenset({"draft", "sent"}),
        "accepted": frozenset({"sent", "declined", "accepted"}),
        "declined": frozenset({"sent", "accepted", "declined"}),
    },
    "salesorders": {
        "open": frozenset({"draft", "open"}),
        "void": frozenset({"draft", "open", "void"}),
    },
    "invoices": {
        "sent": frozenset({"draft", "sent"}),
        "void": frozenset({"draft", "sent", "void"}),
    },
}
LIST_FIELDS = (
    "customer_id", "customer_name", "status", "date", "reference_number", "currency_code",
    "exchange_rate", "total", "balance", "created_time", "last_modified_time",
    "expiry_date", "shipment_date", "due_date",
)  # fmt: skip
TEXT_FIELDS = ("reference_number", "notes", "terms")
MAX_PER_PAGE = 200


@dataclass
class SalesDocuments:
    """One organisation's estimates, sales orders and invoices (see the module docstring)."""

    org: Organization
    estimates: dict[str, Row] = field(default_factory=dict)
    salesorders: dict[str, Row] = field(default_factory=dict)
    invoices: dict[str, Row] = field(default_factory=dict)
    emails: list[Row] = field(default_factory=list)
    _numbers: dict[str, int] = field(default_factory=dict)

    def rows(self, kind: str) -> dict[str, Row]:
        rows: dict[str, Row] = getattr(self, kind)
        return rows

    def clear(self) -> None:
        for kind in KINDS:
            self.rows(kind).clear()
        self.emails.clear()
        self._numbers.clear()

    def get(self, kind: str, doc_id: str) -> Row:
        row = self.rows(kind).get(doc_id)
        if row is None:
            raise missing(TITLE[kind])
        return row

    def create(self, kind: str, body: Mapping[str, Any]) -> Row:
        values = self._values(kind, body, creating=True)
        now = self.org.clock.now()
        number = self._numbers.get(kind, 0) + 1
        self._numbers[kind] = number
        prefix, width = PREFIX[kind]
        row: Row = {
            ID_FIELD[kind]: self.org.ids.next(),
            NUMBER_FIELD[kind]: f"{prefix}{number:0{width}d}",
            "status": "draft",
            "date": now.date().isoformat(),
            LATER_DATE[kind]: now.date().isoformat(),
            "reference_number": "",
            "notes": "",
            "terms": "",
            "created_time": now,
            "last_modified_time": now,
            **values,
        }
        self._total(kind, row, paid=Decimal(0))
        self.rows(kind)[row[ID_FIELD[kind]]] = row
        self.org._tell(kind, row[ID_FIELD[kind]])
        return row

    def update(self, kind: str, doc_id: str, body: Mapping[str, Any]) -> Row:
        row = self.get(kind, doc_id)
        if row["status"] == "void":
            raise BooksError(400, 4, f"A void {SINGULAR[kind]} cannot be edited.")
        values = self._values(kind, body, creating=False, current=row)
        paid = row["total"] - row.get("balance", row["total"])
        row.update(values)
        self._total(kind, row, paid=paid)
        self._touch(kind, row)
        return row

    def mark(self, kind: str, doc_id: str, status: str) -> Row:
        row = self.get(kind, doc_id)
        allowed = MARKS[kind].get(status)
        if allowed is None:
            raise BooksError(404, 5, "Invalid URL Passed")
        if row["status"] not in allowed:
            raise BooksError(
                400, 4, f"The {SINGULAR[kind]} cannot be marked as {status} from {row['status']}."
            )
        if kind == "invoices" and status == "void" and row["balance"] != row["total"]:
            raise BooksError(400, 4, "An invoice with payments cannot be voided.")
        if row["status"] != status:
            row["status"] = status
            if kind == "invoices" and status == "void":
                row["balance"] = Decimal(0)
            self._touch(kind, row)
        return row

    def email(self, kind: str, doc_id: str, body: Mapping[str, Any]) -> Row:
        row = self.get(kind, doc_id)
        if kind == "salesorders" or row["status"] == "void":
            raise BooksError(400, 4, f"The {SINGULAR[kind]} cannot be emailed.")
        to = body.get("to_mail_ids")
        if to is None:
            # the customer's own address, else its contact persons' (Books' default)
            customer = self.org.contacts.get(row["customer_id"], {})
            persons = [p.get("email") for p in customer.get("contact_persons", [])]
            to = [e for e in (customer.get("email"), *persons) if e][:1]
        if not isinstance(to, list) or not to or not all(isinstance(t, str) for t in to):
            raise invalid("to_mail_ids")
        self.emails.append(
            {
                "kind": kind,
                ID_FIELD[kind]: doc_id,
                "to_mail_ids": list(to),
                "subject": str(body.get("subject") or ""),
            }
        )
        if row["status"] == "draft":
            row["status"] = "sent"
            self._touch(kind, row)
        return row

    def apply_payment(self, invoice_id: str, amount: Decimal) -> Row:
        row = self.get("invoices", invoice_id)
        if row["status"] in ("void", "draft") or amount <= 0 or amount > row["balance"]:
            raise invalid("amount")
        row["balance"] -= amount
        row["status"] = "paid" if row["balance"] == 0 else "partially_paid"
        self._touch("invoices", row)
        return row

    def select(self, kind: str, args: Mapping[str, str]) -> list[Row]:
        selected = list(self.rows(kind).values())
        for name in ("customer_id", "status", "reference_number"):
            if name in args:
                wanted = args[name].casefold()
                selected = [r for r in selected if str(r.get(name) or "").casefold() == wanted]
        for variant, test in (("startswith", str.startswith), ("contains", str.__contains__)):
            given = args.get(f"reference_number_{variant}")
            if given is not None:
                wanted = given.casefold()
                selected = [
                    r for r in selected if test(str(r["reference_number"]).casefold(), wanted)
                ]
        if "last_modified_time" in args:
            since = parse_time(args["last_modified_time"])
            if since is None:
                raise invalid("last_modified_time")
            selected = [r for r in selected if r["last_modified_time"] >= since]
        selected.sort(key=lambda r: (r["created_time"], int(r[ID_FIELD[kind]])))
        if args.get("sort_order", "A") == "D":
            selected.reverse()
        return selected

    # -- rules -----------------------------------------------------------------------------

    def _values(
        self, kind: str, body: Mapping[str, Any], *, creating: bool, current: Row | None = None
    ) -> Row:
        values: Row = {}
        if "customer_id" in body or creating:
            customer = self.org.contacts.get(str(body.get("customer_id") or ""))
            if customer is None or customer.get("contact_type") != "customer":
                raise invalid("customer_id")
            values["customer_id"] = customer["contact_id"]
            values["customer_name"] = customer["contact_name"]
            if creating:
                values["currency_code"] = customer.get("currency_code") or self.org.currency_code
        if "currency_code" in body:
            code = body["currency_code"]
            if not isinstance(code, str) or len(code) != 3 or not code.isalpha():
                raise invalid("currency_code")
            values["currency_code"] = code.upper()
        currency = values.get("currency_code") or (current or {}).get("currency_code")
        if "exchange_rate" in body:
            rate = decimal_of("exchange_rate", body["exchange_rate"])
            if rate <= 0:
                raise invalid("exchange_rate")
            values["exchange_rate"] = rate
        elif creating:
            values["exchange_rate"] = Decimal(1)
        if currency == self.org.currency_code and values.get("exchange_rate", 1) != 1:
            raise invalid("exchange_rate")
        for name in TEXT_FIELDS:
            if name in body:
                if not isinstance(body[name], str):
                    raise invalid(name)
                values[name] = body[name]
        for name in ("date", LATER_DATE[kind]):
            if name in body:
                values[name] = date_of(name, body[name])
        if "line_items" in body or creating:
            values["line_items"] = line_items(
                self.org, body.get("line_items"), lambda item: item["rate"]
            )
        return values

    def _total(self, kind: str, row: Row, *, paid: Decimal) -> None:
        total = sum((line["item_total"] for line in row["line_items"]), Decimal(0))
        row["sub_total"] = total
        row["total"] = total
        if kind == "invoices":
            if row["status"] == "void":
                row["balance"] = Decimal(0)
            else:
                if total < paid:
                    raise invalid("line_items")
                row["balance"] = total - paid

    def _touch(self, kind: str, row: Row) -> None:
        row["last_modified_time"] = self.org.clock.now()
        self.org._tell(kind, row[ID_FIELD[kind]])


def handles(parts: list[str]) -> bool:
    return bool(parts) and parts[0] in KINDS


def target(method: str, parts: list[str]) -> str:
    """``list invoices``, ``read invoices``, ``create invoices``, ``update invoices``,
    ``mark invoices`` (a status), ``email invoices``; the same for the other kinds."""
    kind = parts[0]
    if len(parts) >= 3 and parts[2] in ("status", "email"):
        return f"{'mark' if parts[2] == 'status' else 'email'} {kind}"
    if method == "GET":
        return f"{'read' if len(parts) > 1 else 'list'} {kind}"
    return f"{'create' if method == 'POST' else 'update'} {kind}"


def route(
    docs: SalesDocuments,
    method: str,
    parts: list[str],
    args: Mapping[str, str],
    body: Mapping[str, Any] | None,
) -> tuple[int, Row]:
    """Answer one request on a document route as ``(http status, JSON body)``."""
    kind = parts[0]
    one = SINGULAR[kind]
    title = TITLE[kind]
    given = body or {}
    if len(parts) == 1 and method == "GET":
        return 200, _page(kind, docs.select(kind, args), args)
    if len(parts) == 1 and method == "POST":
        row = docs.create(kind, given)
        return 201, _answer(f"The {title.lower()} has been created.", one, row)
    if len(parts) == 2 and method == "GET":
        return 200, _answer("success", one, docs.get(kind, parts[1]))
    if len(parts) == 2 and method == "PUT":
        row = docs.update(kind, parts[1], given)
        return 200, _answer(f"{title} information has been updated.", one, row)
    if len(parts) == 4 and parts[2] == "status" and method == "POST":
        row = docs.mark(kind, parts[1], parts[3])
        return 200, {"code": 0, "message": f"{title} status has been changed to {parts[3]}."}
    if len(parts) == 3 and parts[2] == "email" and method == "POST":
        docs.email(kind, parts[1], given)
        return 200, {"code": 0, "message": f"Your {title.lower()} has been sent."}
    raise BooksError(405, 37, "The HTTP method is not allowed for the requested resource")


def wire(row: Row) -> Row:
    """A stored document as the API answers it (money as numbers, times as text)."""
    out = render(row)
    out["line_items"] = [dict(line) for line in row["line_items"]]
    return out


def _answer(message: str, one: str, row: Row) -> Row:
    return {"code": 0, "message": message, one: wire(row)}


def _page(kind: str, selected: list[Row], args: Mapping[str, str]) -> Row:
    try:
        page = max(int(args.get("page", 1)), 1)
        per_page = min(max(int(args.get("per_page", MAX_PER_PAGE)), 1), MAX_PER_PAGE)
    except ValueError:
        raise invalid("page") from None
    chunk = selected[(page - 1) * per_page : page * per_page]
    id_field, number_field = ID_FIELD[kind], NUMBER_FIELD[kind]
    listed = [
        {
            id_field: r[id_field],
            number_field: r[number_field],
            **{name: r[name] for name in LIST_FIELDS if name in r},
        }
        for r in chunk
    ]
    return {
        "code": 0,
        "message": "success",
        kind: [render(r) for r in listed],
        "page_context": {
            "page": page,
            "per_page": per_page,
            "has_more_page": page * per_page < len(selected),
            "sort_column": "created_time",
            "sort_order": args.get("sort_order", "A"),
        },
    }
