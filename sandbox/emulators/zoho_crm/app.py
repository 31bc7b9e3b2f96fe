"""ZohoCrmEmulator: Zoho CRM's REST API v8 and its accounts server as one WSGI app.

Routes (``{base}`` is both the accounts server and the API domain in the sandbox):

=============================================  ===============================================
``POST {base}/oauth/v2/token``                 refresh-token grant (:mod:`..zoho_accounts`)
``GET  /crm/v8/{module}``                      ``fields`` (required), ``ids`` (≤ 100), ``page``,
                                               ``per_page`` (≤ 200), ``page_token``,
                                               ``sort_by``, ``sort_order``, ``If-Modified-Since``
``GET  /crm/v8/{module}/{id}``                 one record (204 when none)
``POST /crm/v8/{module}``                      insert ``{"data": [≤ 100], "trigger": []}``
``PUT  /crm/v8/{module}[/{id}]``               update
``POST /crm/v8/{module}/upsert``               upsert, ``duplicate_check_fields``
``DELETE /crm/v8/{module}?ids=``               delete
``GET  /crm/v8/{module}/search?criteria=``     :mod:`search`
``POST /crm/v8/coql``                          :mod:`coql`
``GET|PUT|DELETE /crm/v8/Deals/{id}/Products``  a deal's products (:mod:`related`)
``* /crm/v8/actions/watch``                    :mod:`notifications`
``GET  /crm/v8/org``, ``users?type=CurrentUser``, ``settings/modules``, ``settings/fields``
=============================================  ===============================================

Every API call needs ``Authorization: Zoho-oauthtoken <access token>``: none is 401
``AUTHENTICATION_FAILURE``, an unknown or lapsed one 401 ``INVALID_TOKEN`` "invalid oauth token".
Errors are ``{"code", "details", "message", "status": "error"}`` (Zoho CRM v8 "Status Codes"
and each API's "Possible Errors"). A write answers 201 (insert, upsert) or 200 (update) when
every record succeeded, 207 when some failed and 400 when all did; the answer of each record
is in ``data`` in request order (:mod:`records`). An empty read answers 204 with no body. The
rate limit answers 429 ``TOO_MANY_REQUESTS`` without a ``Retry-After`` (none is documented).

Each write counts whether it asked for workflows: a body without ``"trigger": []`` runs the
module's workflow, approval and blueprint rules (``workflow_runs`` counts them).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from werkzeug.wrappers import Request, Response

from sandbox.emulators.admin import AdminApi, AdminRoute
from sandbox.emulators.common import Call, CallLog
from sandbox.emulators.faults import DEFAULT_MESSAGE, FaultInjector, FaultRule, run_with_faults
from sandbox.emulators.protocol import ProvisionedSide, ProvisionRequest
from sandbox.emulators.zoho_accounts import (
    TOKEN_PATH,
    AccountsServer,
    Clock,
    bearer,
    provisioned_side,
)
from sandbox.emulators.zoho_crm import coql, finance_modules, org_currencies, related, search
from sandbox.emulators.zoho_crm.modules import MODULES
from sandbox.emulators.zoho_crm.notifications import Channels
from sandbox.emulators.zoho_crm.org_currencies import CurrencyError, OrgCurrencies
from sandbox.emulators.zoho_crm.records import (
    USER,
    RecordError,
    Store,
    parse_datetime,
    render,
)
from shared.jsonutil import dumps, loads

API_PREFIX = "/crm/v8/"
MAX_WRITE = 100
MAX_IDS = 100
MAX_PER_PAGE = 200
JSON = "application/json;charset=UTF-8"
_WSGIEnviron = dict[str, Any]
_StartResponse = Callable[..., Any]
ORG_ID = "4150868000000216001"
finance_modules.install(MODULES)  # the Zoho Books tab's modules and the deals' finance fields


class ApiFailureError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "details": details or {}, "message": message, "status": "error"}


def _json(body: Any, status: int = 200) -> Response:
    return Response(dumps(body), status=status, content_type=JSON)


def _no_content() -> Response:
    return Response(b"", status=204)


@dataclass
class _Wire:
    """How faults look on Zoho CRM's wire."""

    accounts: AccountsServer

    def rate_limited(self, rule: FaultRule) -> Response:
        message = rule.message if rule.message != DEFAULT_MESSAGE else "too many requests"
        return _json(
            {"code": "TOO_MANY_REQUESTS", "details": {}, "message": message, "status": "error"},
            429,
        )

    def server_error(self, rule: FaultRule) -> Response:
        code = rule.code or "INTERNAL_ERROR"
        message = rule.message if rule.message != DEFAULT_MESSAGE else "Internal Server Error"
        return _json(
            {"code": code, "details": {}, "message": message, "status": "error"}, rule.status
        )

    def timed_out(self, rule: FaultRule) -> Response:
        return Response(
            "<html><body><h1>504 Gateway Time-out</h1></body></html>",
            status=504,
            content_type="text/html",
        )

    def session_expired(self, rule: FaultRule) -> Response | None:
        self.accounts.expire_all()
        return None

    def answer_lost(self, answer: Response) -> Response:
        return Response(b"", status=504)


class ZohoCrmEmulator:
    system = "zoho_crm"

    def __init__(
        self, base_url: str = "http://zoho-crm.test", *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.clock = Clock(clock)
        self.currency = "USD"  # the org's home currency (iso_code)
        self.workflow_runs = 0
        self._lock = threading.RLock()
        self.accounts = AccountsServer(self.clock, lambda: self.base_url)
        self.store = Store(self.clock)
        self.org_currencies = OrgCurrencies(self.clock)
        self.related = related.RelatedLists()  # the deals' products (:mod:`related`)
        self.channels = Channels(self.clock, lambda: self.base_url)
        self.store.listeners.append(self.channels.hear)
        self._wire = _Wire(self.accounts)
        self._admin = AdminApi(self, self.admin_routes())

    # -- the Emulator shape ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance_clock(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def reset(self) -> None:
        with self._lock:
            self.store.clear()
            self.org_currencies.clear()
            self.related.clear()
            self.channels.outbox.clear()
            self.calls.clear()
            self.faults.clear()

    def provision(self, request: ProvisionRequest) -> ProvisionedSide:
        """A self client with a refresh token for ledgerlink's integration user. Channels are
        ledgerlink's to open (its set-up subscribes): the settings name the door the channel
        calls back, ``request.webhook_url`` without its query (the token rides in the
        callback's body)."""
        notify_url = request.webhook_url.split("?", 1)[0]
        return provisioned_side(
            self.system, self.base_url, self.accounts, {"notify_url": notify_url}, {}
        )

    def records_on_wire(
        self, object_name: str, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [loads(dumps(render(r))) for r in self.store.all(object_name)]

    def admin_routes(self) -> Sequence[AdminRoute]:
        return ()

    def background_work(self, http: httpx.Client) -> int:
        """What Zoho CRM does by itself: send the notification callbacks due."""
        return self.channels.deliver(http)

    # -- people working in the CRM (no faults, no call log) --------------------------------------

    def insert(self, module: str, fields: Mapping[str, Any]) -> str:
        with self._lock:
            answer = self.store.insert(module, 0, fields)
        return str(answer["details"]["id"])

    def update(self, module: str, record_id: str, fields: Mapping[str, Any]) -> None:
        with self._lock:
            self.store.update(module, 0, {**fields, "id": record_id})

    def get(self, module: str, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            record = self.store.get(module, record_id)
            return dict(record) if record is not None else None

    def relate(self, module: str, record_id: str, related_list: str, related_id: str) -> None:
        """Add a record to another's related list (a deal's products)."""
        with self._lock:
            self.related.relate(module, record_id, related_list, related_id)

    def records(self, module: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.store.all(module)]

    # -- WSGI ------------------------------------------------------------------------------

    def wsgi_app(self, environ: _WSGIEnviron, start_response: _StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if AdminApi.handles(request.path):
            response = self._admin(request)
        elif request.path == TOKEN_PATH:
            response = self._token(request)
        elif request.path.startswith(API_PREFIX):
            response = self._api(request, request.path[len(API_PREFIX) :].strip("/"))
        elif request.path.startswith("/crm/"):
            response = _json(
                {
                    "code": "INVALID_URL_PATTERN",
                    "details": {},
                    "message": "Please check if the URL trying to access is a correct one",
                    "status": "error",
                },
                404,
            )
        else:
            response = Response("Not Found", status=404, mimetype="text/plain")
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _token(self, request: Request) -> Response:
        rules = self.faults.take_all(["token"])
        return run_with_faults(rules, self._wire, lambda: self.accounts.handle(request))

    def _api(self, request: Request, path: str) -> Response:
        target = self._target(request, path)
        rules = self.faults.take_all([target])

        def run() -> Response:
            with self._lock:
                try:
                    self._authenticate(request)
                    return self._route(request, path)
                except ApiFailureError as exc:
                    op, _, obj = target.partition(" ")
                    if op in ("read", "query", "search"):
                        self.calls.record(Call(op, obj, ok=False))
                    return _json(exc.body, exc.status)

        return run_with_faults(rules, self._wire, run)

    @staticmethod
    def _target(request: Request, path: str) -> str:
        """The fault target: ``read Accounts``, ``create Accounts``, ``upsert Accounts``,
        ``update Accounts``, ``delete Accounts``, ``search Accounts``, ``query Accounts``
        (COQL), ``watch``, ``metadata``."""
        parts = path.split("/")
        head = parts[0]
        if head == "coql":
            try:
                text = str(loads(request.get_data() or b"{}").get("select_query", ""))
            except (ValueError, AttributeError):
                text = ""
            words = text.split()
            lowered = [w.lower() for w in words]
            module = words[lowered.index("from") + 1] if "from" in lowered[:-1] else ""
            return f"query {module}"
        if head == "actions":
            return "watch"
        if head not in MODULES:
            return "metadata"
        if len(parts) > 1 and parts[1] == "upsert":
            return f"upsert {head}"
        if len(parts) > 1 and parts[1] == "search":
            return f"search {head}"
        verb = {"GET": "read", "POST": "create", "PUT": "update", "DELETE": "delete"}
        return f"{verb.get(request.method, 'read')} {head}"

    def _authenticate(self, request: Request) -> None:
        token = bearer(request)
        if token is None:
            raise ApiFailureError(401, "AUTHENTICATION_FAILURE", "Authentication failed")
        if self.accounts.grant(token) is None:
            raise ApiFailureError(401, "INVALID_TOKEN", "invalid oauth token")

    # -- routing ---------------------------------------------------------------------------

    def _route(self, request: Request, path: str) -> Response:
        parts = path.split("/")
        head, method = parts[0], request.method
        if path == "org" and method == "GET":
            return _json({"org": [self._org()]})
        if path == "users" and method == "GET":
            return _json({"users": [self._user()], "info": _info(1, 1, 200, False)})
        if path == "settings/modules" and method == "GET":
            return _json({"modules": [_module_meta(m) for m in MODULES]})
        if path == "settings/fields" and method == "GET":
            module = MODULES.get(request.args.get("module", ""))
            if module is None:
                raise ApiFailureError(
                    400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                    {"param": "module"},
                )  # fmt: skip
            return _json({"fields": [_field_meta(f) for f in module.fields]})
        if path == "coql" and method == "POST":
            return self._coql(request)
        if org_currencies.handles(parts):
            return self._currencies(request, parts)
        if path == "actions/watch":
            return self._watch(request)
        if related.handles(parts):
            self.calls.record(Call("read" if method == "GET" else "relate", head, parts[1]))
            status, answer = related.route(self.store, self.related, method, parts, request.args)
            return _no_content() if answer is None else _json(answer, status)
        if head not in MODULES:
            raise ApiFailureError(
                404,
                "INVALID_URL_PATTERN",
                "Please check if the URL trying to access is a correct one",
            )
        if len(parts) == 1:
            if method == "GET":
                return self._list(request, head)
            if method == "POST":
                return self._write(request, head, "insert")
            if method == "PUT":
                return self._write(request, head, "update")
            if method == "DELETE":
                return self._delete(request, head)
        elif len(parts) == 2 and parts[1] == "upsert" and method == "POST":
            return self._write(request, head, "upsert")
        elif len(parts) == 2 and parts[1] == "search" and method == "GET":
            return self._search(request, head)
        elif len(parts) == 2 and method == "GET":
            self.calls.record(Call("read", head, parts[1]))
            record = self.store.get(head, parts[1])
            return _json({"data": [render(record)]}) if record else _no_content()
        elif len(parts) == 2 and method == "PUT":
            return self._write(request, head, "update", parts[1])
        raise ApiFailureError(405, "METHOD_NOT_ALLOWED", "The requested method is not allowed.")

    def _org(self) -> dict[str, Any]:
        return {
            "id": ORG_ID,
            "company_name": "Ledgerlink Demo",
            "domain_name": "org4150868",
            "iso_code": self.currency,
            "currency": f"{self.currency}",
            "currency_symbol": "$" if self.currency == "USD" else self.currency,
            "time_zone": "UTC",
            "country_code": "US",
            "primary_email": USER["email"],
            "mc_status": self.org_currencies.enabled,
        }

    def _currencies(self, request: Request, parts: list[str]) -> Response:
        self.org_currencies.home = self.currency
        body = _body(request) if request.method == "POST" else {}
        try:
            status, answer = org_currencies.route(self.org_currencies, request.method, parts, body)
        except CurrencyError as exc:
            raise ApiFailureError(400, exc.code, exc.message, exc.details) from exc
        return _json(answer, status)

    @staticmethod
    def _user() -> dict[str, Any]:
        return {
            "id": USER["id"],
            "full_name": USER["name"],
            "email": USER["email"],
            "status": "active",
            "role": {"name": "CEO", "id": "4150868000000026005"},
            "profile": {"name": "Administrator", "id": "4150868000000026011"},
        }

    def _list(self, request: Request, module: str) -> Response:
        self.calls.record(Call("read", module))
        fields = _fields_param(request, module)
        rows = self.store.all(module)
        ids = [i for i in request.args.get("ids", "").split(",") if i.strip()]
        if ids:
            if len(ids) > MAX_IDS:
                raise ApiFailureError(
                    400,
                    "LIMIT_EXCEEDED",
                    f"the number of ids exceeds {MAX_IDS}",
                    {"limit": MAX_IDS},
                )
            wanted = {i.strip() for i in ids}
            rows = [r for r in rows if r["id"] in wanted]
        since = request.headers.get("If-Modified-Since")
        if since:
            moment = parse_datetime(since)
            if moment is None:
                raise ApiFailureError(
                    400, "INVALID_DATA", "invalid data", {"header": "If-Modified-Since"}
                )
            rows = [r for r in rows if r["Modified_Time"] > moment]
        sort_by = request.args.get("sort_by", "id")
        if sort_by not in ("id", "Created_Time", "Modified_Time"):
            raise ApiFailureError(400, "INVALID_DATA", "invalid data", {"param": "sort_by"})
        descending = request.args.get("sort_order", "desc") == "desc"
        rows.sort(
            key=lambda r: (r[sort_by], int(r["id"])) if sort_by != "id" else int(r["id"]),
            reverse=descending,
        )
        per_page, page = _paging(request)
        chunk = rows[(page - 1) * per_page : page * per_page]
        if not chunk:
            return _no_content()
        more = page * per_page < len(rows)
        info = _info(len(chunk), page, per_page, more)
        info.update({"sort_by": sort_by, "sort_order": "desc" if descending else "asc"})
        info["next_page_token"] = f"{secrets.token_hex(8)}-{page + 1}" if more else None
        return _json({"data": [render(r, fields) for r in chunk], "info": info})

    def _search(self, request: Request, module: str) -> Response:
        self.calls.record(Call("search", module))
        criteria = request.args.get("criteria")
        if not criteria:
            raise ApiFailureError(
                400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                {"param": "criteria"},
            )  # fmt: skip
        try:
            test = search.parse(criteria, MODULES[module])
        except search.CriteriaError as exc:
            raise ApiFailureError(400, "INVALID_QUERY", str(exc), {"reason": str(exc)}) from exc
        rows = [r for r in self.store.all(module) if test(r)]
        if not rows:
            return _no_content()
        per_page, page = _paging(request)
        chunk = rows[(page - 1) * per_page : page * per_page]
        fields = tuple(request.args["fields"].split(",")) if request.args.get("fields") else None
        more = page * per_page < len(rows)
        return _json(
            {
                "data": [render(r, fields) for r in chunk],
                "info": _info(len(chunk), page, per_page, more),
            }
        )

    def _coql(self, request: Request) -> Response:
        body = _body(request)
        text = body.get("select_query")
        if not isinstance(text, str) or not text.strip():
            raise ApiFailureError(
                400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing",
                {"param": "select_query"},
            )  # fmt: skip
        try:
            query = coql.parse(text)
        except coql.CoqlError as exc:
            raise ApiFailureError(
                400, exc.code, "error occured while parsing the query", {"reason": str(exc)}
            ) from exc
        self.calls.record(Call("query", query.module.api_name))
        rows, more = coql.run(query, self.store.all(query.module.api_name))
        if not rows:
            return _no_content()
        data = []
        for row in rows:
            out = render(row, query.fields)
            if "id" not in query.fields:
                out.pop("id")  # COQL answers only what was selected (and id when asked)
            for name, value in list(out.items()):
                if isinstance(value, dict):
                    out[name] = {"id": value.get("id")}
            data.append(out)
        return _json({"data": data, "info": {"count": len(data), "more_records": more}})

    def _write(
        self, request: Request, module: str, kind: str, path_id: str | None = None
    ) -> Response:
        body = _body(request)
        data = body.get("data")
        if not isinstance(data, list) or not data:
            raise ApiFailureError(
                400, "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "data"}
            )
        if len(data) > MAX_WRITE:
            raise ApiFailureError(
                400, "LIMIT_EXCEEDED", f"more than {MAX_WRITE} records", {"limit": MAX_WRITE}
            )
        trigger = body.get("trigger")
        check = body.get("duplicate_check_fields") or []
        answers: list[dict[str, Any]] = []
        op = {"insert": "create", "update": "update", "upsert": "upsert"}[kind]
        for index, item in enumerate(data):
            try:
                if not isinstance(item, dict):
                    raise RecordError(
                        "INVALID_DATA", "invalid data", {"json_path": f"$.data[{index}]"}
                    )
                if kind == "insert":
                    answer = self.store.insert(module, index, item)
                elif kind == "update":
                    values = {**item, "id": path_id} if path_id else item
                    answer = self.store.update(module, index, values)
                else:
                    answer = self.store.upsert(module, index, item, tuple(str(c) for c in check))
            except RecordError as exc:
                answer = exc.answer
            ok = answer["status"] == "success"
            record_id = answer["details"].get("id") if ok else None
            self.calls.record(Call(op, module, record_id, ok=ok))
            if ok and trigger != []:
                self.workflow_runs += 1
            answers.append(answer)
        failed = sum(1 for a in answers if a["status"] != "success")
        if failed == len(answers):
            status = 400
        elif failed:
            status = 207
        else:
            status = 200 if kind == "update" else 201
        return _json({"data": answers}, status)

    def _delete(self, request: Request, module: str) -> Response:
        ids = [i.strip() for i in request.args.get("ids", "").split(",") if i.strip()]
        if not ids:
            raise ApiFailureError(
                400,
                "REQUIRED_PARAM_MISSING",
                "One of the expected parameter is missing",
                {"param": "ids"},
            )
        answers = []
        for record_id in ids:
            try:
                answers.append(self.store.delete(module, record_id))
                self.calls.record(Call("delete", module, record_id))
            except RecordError as exc:
                answers.append(exc.answer)
                self.calls.record(Call("delete", module, record_id, ok=False))
        return _json({"data": answers})

    def _watch(self, request: Request) -> Response:
        self.calls.record(Call("watch", "actions/watch"))
        if request.method == "GET":
            rows = self.channels.listing()
            return _json({"watch": rows}) if rows else _no_content()
        if request.method == "DELETE":
            ids = [i for i in request.args.get("channel_ids", "").split(",") if i]
            return _json({"watch": self.channels.disable(ids)})
        items = _body(request).get("watch")
        if not isinstance(items, list) or not items:
            raise ApiFailureError(
                400, "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "watch"}
            )
        if request.method == "POST":
            answers = self.channels.enable(items)
        elif request.method in ("PATCH", "PUT"):
            answers = self.channels.update(items)
        else:
            raise ApiFailureError(405, "METHOD_NOT_ALLOWED", "The requested method is not allowed.")
        ok = all(a["status"] == "success" for a in answers)
        return _json({"watch": answers}, 200 if ok else 400)


def _body(request: Request) -> dict[str, Any]:
    raw = request.get_data()
    try:
        body = loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiFailureError(400, "INVALID_DATA", "body is not a valid JSON") from exc
    if not isinstance(body, dict):
        raise ApiFailureError(400, "INVALID_DATA", "body is not a valid JSON")
    return body


def _paging(request: Request) -> tuple[int, int]:
    """``per_page`` (at most 200) and the page: ``page``, or the one ``page_token`` names."""
    try:
        per_page = min(int(request.args.get("per_page", MAX_PER_PAGE)), MAX_PER_PAGE)
        token = request.args.get("page_token")
        page = int(token.rsplit("-", 1)[-1]) if token else int(request.args.get("page", 1))
    except ValueError:
        raise ApiFailureError(400, "INVALID_DATA", "invalid data", {"param": "page"}) from None
    if per_page < 1 or page < 1:
        raise ApiFailureError(400, "INVALID_DATA", "invalid data", {"param": "page"})
    return per_page, page


def _fields_param(request: Request, module: str) -> tuple[str, ...]:
    raw = request.args.get("fields", "")
    if not raw:
        raise ApiFailureError(
            400,
            "REQUIRED_PARAM_MISSING",
            "One of the expected parameter is missing",
            {"param": "fields"},
        )
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    spec = MODULES[module]
    for name in names:
        if spec.field(name) is None:
            raise ApiFailureError(400, "INVALID_DATA", "invalid data", {"api_name": name})
    return names


def _info(count: int, page: int, per_page: int, more: bool) -> dict[str, Any]:
    return {"per_page": per_page, "count": count, "page": page, "more_records": more}


def _module_meta(name: str) -> dict[str, Any]:
    spec = MODULES[name]
    return {
        "api_name": name,
        "module_name": name,
        "singular_label": spec.singular_label,
        "plural_label": name,
        "api_supported": True,
        "generated_type": "default",
        "id": str(4150868000000002170 + list(MODULES).index(name)),
    }


def _field_meta(spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "api_name": spec.api_name,
        "field_label": spec.api_name.replace("_", " "),
        "data_type": spec.data_type,
        "system_mandatory": spec.mandatory,
        "read_only": spec.read_only,
        "length": spec.length,
        "custom_field": spec.api_name == "Zoho_Books_ID",
        "unique": {"casesensitive": False} if spec.unique else {},
    }
    if spec.lookup_module:
        meta["lookup"] = {"module": {"api_name": spec.lookup_module}}
    if spec.pick_list:
        meta["pick_list_values"] = [{"display_value": v, "actual_value": v} for v in spec.pick_list]
    return meta
