"""ZohoBooksEmulator: Zoho Books API v3 and its accounts server as one WSGI app.

Routes under ``/books/v3`` (Zoho Books API v3; every one but ``GET /organizations`` needs
``?organization_id=`` naming an organisation of the user, else 400):

==================================================  =========================================
``GET /organizations``                              the user's organisations
``GET|POST /contacts``                              list (filters below) / create
``PUT /contacts`` + ``X-Unique-Identifier-Key``,    update by a unique custom field's value;
``X-Unique-Identifier-Value`` [, ``X-Upsert``]      with ``X-Upsert: true`` create if none
``GET|PUT /contacts/{id}``                          one contact (with ``contact_persons``)
``GET /contacts/{id}/contactpersons``               a contact's persons
``POST /contacts/contactpersons``                   create a person (``contact_id`` in body)
``GET|PUT|DELETE /contacts/contactpersons/{id}``    one person
``GET|POST /items``, ``PUT /items`` (unique key),
``GET|PUT /items/{id}``                             items, as contacts
``/estimates``, ``/salesorders``, ``/invoices``     sales documents (:mod:`.documents`)
``/purchaseorders``, ``/customerpayments``,        purchase orders, payments, currencies
``/settings/currencies``                            (:mod:`.finance`)
==================================================  =========================================

Lists answer ``{"code": 0, "message": "success", "<objects>": […], "page_context": {"page",
"per_page", "has_more_page", "sort_column", "sort_order"}}`` (Zoho Books "Pagination": 200 a
page by default). Filters: contacts ``contact_name``, ``company_name``, ``email``,
``contact_type`` (customer / vendor), ``last_modified_time``; items ``name``, ``sku``,
``last_modified_time``; ``sort_column`` (``contact_name`` / ``name``, ``created_time``,
``last_modified_time``) and ``sort_order`` ``A`` / ``D``. ``last_modified_time`` keeps rows
modified at or after the time given, and equal sort keys are ordered by id (the emulator's
reading; Zoho documents neither). A body is JSON with or without a Content-Type, or the
``JSONString`` form field the docs' examples send.

Limits (Zoho Books "API Call Limit"): ``rate_limit_per_minute`` requests (100) a minute per
organisation; one more answers 429 ``{"code": 45, "message": …}`` (code UNVERIFIED), no
``Retry-After``. A missing or lapsed token answers 401 ``{"code": 57, "message": "You are not
authorized to perform this operation"}`` (code UNVERIFIED). Every API answer carries ``Date``,
the emulator's clock to the second (RFC 9110 6.6.1).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from werkzeug.http import http_date
from werkzeug.wrappers import Request, Response

from sandbox.emulators.admin import AdminApi, AdminRoute
from sandbox.emulators.common import Call, CallLog
from sandbox.emulators.faults import DEFAULT_MESSAGE, FaultInjector, FaultRule, run_with_faults
from sandbox.emulators.protocol import ProvisionedSide, ProvisionRequest
from sandbox.emulators.zoho_accounts import (
    TOKEN_PATH,
    AccountsServer,
    Clock,
    Ids,
    bearer,
    provisioned_side,
)
from sandbox.emulators.zoho_books import documents, finance
from sandbox.emulators.zoho_books.documents import SalesDocuments
from sandbox.emulators.zoho_books.finance import FinanceBooks
from sandbox.emulators.zoho_books.store import (
    CUSTOM_FIELD,
    BooksError,
    Organization,
    Row,
    missing,
    parse_time,
    render,
)
from shared.jsonutil import dumps, loads

API_PREFIX = "/books/v3/"
MAX_PER_PAGE = 200
ORGANIZATION_ID = "10234695"
JSON = "application/json;charset=UTF-8"
_WSGIEnviron = dict[str, Any]
_StartResponse = Callable[..., Any]


def _json(body: Any, status: int = 200) -> Response:
    return Response(dumps(body), status=status, content_type=JSON)


def _error(status: int, code: int, message: str) -> Response:
    return _json({"code": code, "message": message}, status)


@dataclass
class _Wire:
    accounts: AccountsServer

    def rate_limited(self, rule: FaultRule) -> Response:
        message = (
            rule.message
            if rule.message != DEFAULT_MESSAGE
            else "You have made too many requests continuously. Please try again after some time."
        )
        return _error(429, 45, message)

    def server_error(self, rule: FaultRule) -> Response:
        message = rule.message if rule.message != DEFAULT_MESSAGE else "Internal error"
        return _error(rule.status, 1000, message)

    def timed_out(self, rule: FaultRule) -> Response:
        return Response(
            "<html><body>504 Gateway Time-out</body></html>", 504, content_type="text/html"
        )

    def session_expired(self, rule: FaultRule) -> Response | None:
        self.accounts.expire_all()
        return None

    def answer_lost(self, answer: Response) -> Response:
        return Response(b"", status=504)


class ZohoBooksEmulator:
    system = "zoho_books"

    def __init__(
        self,
        base_url: str = "http://zoho-books.test",
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.clock = Clock(clock)
        self.rate_limit_per_minute = 100
        self._lock = threading.RLock()
        self._ids = Ids(460000, 15)
        self.accounts = AccountsServer(self.clock, lambda: self.base_url)
        self.organizations: dict[str, Organization] = {}
        self.documents: dict[str, SalesDocuments] = {}  # by organisation id
        self.finance: dict[str, FinanceBooks] = {}  # by organisation id
        self._requests: dict[str, deque[datetime]] = {}
        self.rate_limited = 0  # 429s answered for the per-minute limit
        self._wire = _Wire(self.accounts)
        self._admin = AdminApi(self, self.admin_routes())

    # -- the Emulator shape ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance_clock(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def reset(self) -> None:
        with self._lock:
            for org in self.organizations.values():
                org.clear()
            for docs in self.documents.values():
                docs.clear()
            for books in self.finance.values():
                books.clear()
            self._requests.clear()
            self.calls.clear()
            self.faults.clear()

    def add_organization(
        self, organization_id: str, name: str, currency_code: str = "USD"
    ) -> Organization:
        with self._lock:
            org = self.organizations.get(organization_id)
            if org is None:
                org = Organization(organization_id, name, currency_code, self.clock, self._ids)
                self.organizations[organization_id] = org
                self.documents[organization_id] = SalesDocuments(org)
                self.finance[organization_id] = FinanceBooks.of(
                    org, self.documents[organization_id]
                )
            return org

    def provision(self, request: ProvisionRequest) -> ProvisionedSide:
        """A self client with a refresh token, and the demo organisation (base currency USD).
        Books has no subscription API: ``request`` asks for nothing here."""
        self.add_organization(ORGANIZATION_ID, "Ledgerlink Demo")
        organization = {"organization_id": ORGANIZATION_ID}
        return provisioned_side(
            self.system, self.base_url, self.accounts, organization, organization
        )

    def org(self, organization_id: str | None = None) -> Organization:
        if organization_id is None:
            if not self.organizations:
                raise KeyError("no organisation yet: provision or add_organization first")
            return next(iter(self.organizations.values()))
        return self.organizations[organization_id]

    def records_on_wire(
        self, object_name: str, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        with self._lock:
            org = self.org()
            if documents.handles([object_name]):
                docs = self.documents[org.organization_id].rows(object_name)
                return [loads(dumps(documents.wire(r))) for r in docs.values()]
            rows = {"contacts": org.contacts, "items": org.items}[object_name]
            return [loads(dumps(render(r))) for r in rows.values()]

    def admin_routes(self) -> Sequence[AdminRoute]:
        return ()

    # -- people working in Books (no faults, no call log, no rate limit) ----------------------

    def create(self, kind: str, body: dict[str, Any]) -> str:
        with self._lock:
            org = self.org()
            if kind == "contacts":
                return str(org.create_contact(body)["contact_id"])
            return str(org.create_item(body)["item_id"])

    def edit(self, kind: str, row_id: str, body: dict[str, Any]) -> None:
        with self._lock:
            org = self.org()
            if kind == "contacts":
                org.update_contact(row_id, body)
            else:
                org.update_item(row_id, body)

    def sales_documents(self, organization_id: str | None = None) -> SalesDocuments:
        """The organisation's estimates, sales orders and invoices (:mod:`.documents`)."""
        return self.documents[self.org(organization_id).organization_id]

    def create_document(self, kind: str, body: dict[str, Any]) -> Row:
        """An estimate, sales order or invoice made in Books by a person."""
        with self._lock:
            return dict(self.sales_documents().create(kind, body))

    def mark_document(self, kind: str, doc_id: str, status: str) -> None:
        with self._lock:
            self.sales_documents().mark(kind, doc_id, status)

    def record_payment(self, body: dict[str, Any]) -> str:
        """A customer payment recorded in Books by a person (:mod:`.payments`)."""
        with self._lock:
            return str(self.finance_books().payments.create(body)["payment_id"])

    def finance_books(self, organization_id: str | None = None) -> FinanceBooks:
        """The organisation's purchase orders, payments and currencies (:mod:`.finance`)."""
        return self.finance[self.org(organization_id).organization_id]

    def add_person(self, contact_id: str, body: dict[str, Any]) -> str:
        with self._lock:
            person = self.org().create_person({**body, "contact_id": contact_id})
            return str(person["contact_person_id"])

    def edit_person(self, person_id: str, body: dict[str, Any]) -> None:
        with self._lock:
            self.org().update_person(person_id, body)

    def contacts(self) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self.org().contacts.values()]

    def items(self) -> list[Row]:
        with self._lock:
            return [dict(r) for r in self.org().items.values()]

    # -- WSGI ------------------------------------------------------------------------------

    def wsgi_app(self, environ: _WSGIEnviron, start_response: _StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if AdminApi.handles(request.path):
            response = self._admin(request)
        elif request.path == TOKEN_PATH:
            response = run_with_faults(
                self.faults.take_all(["token"]), self._wire, lambda: self.accounts.handle(request)
            )
        elif request.path.startswith(API_PREFIX):
            response = self._api(request, request.path[len(API_PREFIX) :].strip("/"))
            # an origin server with a clock sends Date (RFC 9110 6.6.1), as Zoho's do
            response.headers["Date"] = http_date(self.clock.now())
        else:
            response = _error(404, 5, "Invalid URL Passed")
        result: Iterable[bytes] = response(environ, start_response)
        return result

    @staticmethod
    def _target(request: Request, path: str) -> str:
        """``read contacts``, ``list contacts``, ``create contacts``, ``update contacts``,
        ``upsert contacts``, the same for ``items`` and ``contactpersons``, ``organizations``."""
        parts = path.split("/")
        if documents.handles(parts):
            return documents.target(request.method, parts)
        if finance.handles(parts):
            return finance.target(request.method, parts)
        kind = "contactpersons" if "contactpersons" in parts else parts[0]
        has_id = len(parts) > 1 and parts[-1] != "contactpersons"
        if request.method == "GET":
            return f"{'read' if has_id else 'list'} {kind}"
        if request.method == "POST":
            return f"create {kind}"
        if request.method == "PUT" and not has_id:
            return f"upsert {kind}"
        return f"{'update' if request.method == 'PUT' else 'delete'} {kind}"

    def _api(self, request: Request, path: str) -> Response:
        target = self._target(request, path)

        def run() -> Response:
            with self._lock:
                token = bearer(request)
                if token is None or self.accounts.grant(token) is None:
                    return _error(401, 57, "You are not authorized to perform this operation")
                if path == "organizations" and request.method == "GET":
                    self.calls.record(Call("list", "organizations"))
                    orgs = [o.summary(i == 0) for i, o in enumerate(self.organizations.values())]
                    return _json({"code": 0, "message": "success", "organizations": orgs})
                org = self.organizations.get(request.args.get("organization_id", ""))
                if org is None:
                    return _error(400, 6041, "This user is not associated with the organization.")
                if self._over_limit(org.organization_id):
                    self.rate_limited += 1
                    return _error(
                        429,
                        45,
                        "You have made too many requests continuously. "
                        "Please try again after some time.",
                    )
                op, _, kind = target.partition(" ")
                try:
                    response = self._route(request, org, path.split("/"))
                except BooksError as exc:
                    self.calls.record(Call(op, kind, ok=False))
                    return _error(exc.status, exc.code, exc.message)
                self.calls.record(Call(op, kind))
                return response

        return run_with_faults(self.faults.take_all([target]), self._wire, run)

    def _over_limit(self, organization_id: str) -> bool:
        now = self.clock.now()
        window = self._requests.setdefault(organization_id, deque())
        while window and now - window[0] >= timedelta(minutes=1):
            window.popleft()
        if len(window) >= self.rate_limit_per_minute:
            return True
        window.append(now)
        return False

    # -- routing ---------------------------------------------------------------------------

    def _route(self, request: Request, org: Organization, parts: list[str]) -> Response:
        method = request.method
        head = parts[0]
        if documents.handles(parts):
            body = _body(request) if method in ("POST", "PUT") else None
            docs = self.documents[org.organization_id]
            status, answer = documents.route(docs, method, parts, request.args, body)
            return _json(answer, status)
        if finance.handles(parts):
            body = _body(request) if method in ("POST", "PUT") else None
            books = self.finance[org.organization_id]
            status, answer = finance.route(books, method, parts, request.args, body)
            return _json(answer, status)
        if head == "contacts" and len(parts) >= 2 and parts[1] == "contactpersons":
            return self._persons(request, org, parts[2:])
        if (
            head == "contacts"
            and len(parts) == 3
            and parts[2] == "contactpersons"
            and method == "GET"
        ):
            contact = org.contacts.get(parts[1])
            if contact is None:
                raise missing("Contact")
            return _ok(None, {"contact_persons": [dict(p) for p in contact["contact_persons"]]})
        if head not in ("contacts", "items") or len(parts) > 2:
            raise BooksError(404, 5, "Invalid URL Passed")
        rows = org.contacts if head == "contacts" else org.items
        singular = "contact" if head == "contacts" else "item"
        if len(parts) == 1:
            if method == "GET":
                return self._list(request, head, rows)
            if method == "POST":
                body = _body(request)
                row = org.create_contact(body) if head == "contacts" else org.create_item(body)
                return _ok(f"The {singular} has been added.", {singular: render(row)}, status=201)
            if method == "PUT":
                return self._by_unique_key(request, org, head)
        else:
            row_id = parts[1]
            if method == "GET":
                found = rows.get(row_id)
                if found is None:
                    raise missing(singular.capitalize())
                return _ok(None, {singular: render(found)})
            if method == "PUT":
                body = _body(request)
                row = (
                    org.update_contact(row_id, body)
                    if head == "contacts"
                    else org.update_item(row_id, body)
                )
                return _ok(
                    f"{singular.capitalize()} information has been saved.",
                    {singular: render(row)},
                )
        raise BooksError(405, 37, "The HTTP method is not allowed for the requested resource")

    def _by_unique_key(self, request: Request, org: Organization, head: str) -> Response:
        key = request.headers.get("X-Unique-Identifier-Key", "")
        value = request.headers.get("X-Unique-Identifier-Value", "")
        if key != CUSTOM_FIELD or not value:
            raise BooksError(400, 4, "Invalid value passed for X-Unique-Identifier-Key")
        rows = org.contacts if head == "contacts" else org.items
        singular = "contact" if head == "contacts" else "item"
        body = _body(request)
        existing = org.find_by_custom_field(rows, key, value)
        if existing is None:
            if request.headers.get("X-Upsert", "").lower() != "true":
                raise missing(singular.capitalize())
            body = {**body, "custom_fields": [{"api_name": key, "value": value}]}
            row = org.create_contact(body) if head == "contacts" else org.create_item(body)
            return _ok(f"The {singular} has been added.", {singular: render(row)}, status=201)
        row_id = existing["contact_id" if head == "contacts" else "item_id"]
        row = (
            org.update_contact(row_id, body)
            if head == "contacts"
            else org.update_item(row_id, body)
        )
        return _ok(f"{singular.capitalize()} information has been saved.", {singular: render(row)})

    def _list(self, request: Request, head: str, rows: dict[str, Row]) -> Response:
        args = request.args
        selected = list(rows.values())
        filters = (
            ("contact_name", "company_name", "email", "contact_type")
            if head == "contacts"
            else ("name", "sku")
        )
        for name in filters:
            if name in args:
                selected = [
                    r
                    for r in selected
                    if str(r.get(name) or "").casefold() == args[name].casefold()
                ]
        if "last_modified_time" in args:
            since = parse_time(args["last_modified_time"])
            if since is None:
                raise BooksError(400, 4, "Invalid value passed for last_modified_time")
            selected = [r for r in selected if r["last_modified_time"] >= since]
        name_column = "contact_name" if head == "contacts" else "name"
        column = args.get("sort_column", name_column)
        if column not in (name_column, "created_time", "last_modified_time"):
            raise BooksError(400, 4, "Invalid value passed for sort_column")
        id_field = "contact_id" if head == "contacts" else "item_id"
        selected.sort(key=lambda r: (_sortable(r.get(column)), int(r[id_field])))
        order = args.get("sort_order", "A")
        if order == "D":
            selected.reverse()
        try:
            page = max(int(args.get("page", 1)), 1)
            per_page = min(max(int(args.get("per_page", MAX_PER_PAGE)), 1), MAX_PER_PAGE)
        except ValueError:
            raise BooksError(400, 4, "Invalid value passed for page") from None
        chunk = selected[(page - 1) * per_page : page * per_page]
        context = {
            "page": page,
            "per_page": per_page,
            "has_more_page": page * per_page < len(selected),
            "sort_column": column,
            "sort_order": order,
        }
        body = {head: [render(r, full=False) for r in chunk], "page_context": context}
        return _ok("success", body)

    def _persons(self, request: Request, org: Organization, rest: list[str]) -> Response:
        method = request.method
        if not rest and method == "POST":
            person = org.create_person(_body(request))
            return _ok(
                "The contactperson has been Created", {"contact_person": dict(person)}, status=201
            )
        if len(rest) == 1:
            if method == "GET":
                return _ok(None, {"contact_person": dict(org.person(rest[0])[1])})
            if method == "PUT":
                person = org.update_person(rest[0], _body(request))
                return _ok(
                    "The contactperson details has been updated.", {"contact_person": dict(person)}
                )
            if method == "DELETE":
                org.delete_person(rest[0])
                return _ok("The contact person has been deleted.")
        raise BooksError(405, 37, "The HTTP method is not allowed for the requested resource")


def _ok(
    message: str | None, objects: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    return _json({"code": 0, "message": message or "success", **(objects or {})}, status)


def _sortable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    return str(value or "").casefold()


def _body(request: Request) -> dict[str, Any]:
    """JSON with or without a Content-Type, or the ``JSONString`` form field."""
    raw: str | bytes = request.get_data()
    if request.form.get("JSONString") is not None:
        raw = request.form["JSONString"]
    elif not raw and request.args.get("JSONString"):
        raw = request.args["JSONString"]
    try:
        body = loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        raise BooksError(400, 4, "Invalid value passed for JSONString") from None
    if not isinstance(body, dict):
        raise BooksError(400, 4, "Invalid value passed for JSONString")
    return body
