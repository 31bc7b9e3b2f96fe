"""IntacctEmulator: the XML gateway (``/ia/xml/xmlgw.phtml``) and an admin API, as a WSGI
app over in-memory companies.

uniqueid: with ``<uniqueid>true</uniqueid>`` in the control block, a function whose
controlid already completed successfully in this company is not executed again: its result
is a function-level failure with errorno XL03000003 ("A function with control ID … has
already been executed."). Clients use it as the gateway's idempotency: a retried request
never runs the same create twice, and the client then reads the record it made.

Contract invoices are exposed as ARINVOICE records carrying CONTRACTID (a simplification of
Intacct's contract-invoice documents). A client lists a contract's invoices changed since a
time with ``query`` on ARINVOICE, filter CONTRACTID equalto X and WHENMODIFIED
greaterthanorequalto 'mm/dd/yyyy hh:mm:ss'.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from werkzeug.wrappers import Request, Response

from sandbox.emulators.common import Call, CallLog, FaultInjector, FaultRule
from sandbox.emulators.intacct_gw import envelope, errors, filters
from sandbox.emulators.intacct_gw.billing import run_billing
from sandbox.emulators.intacct_gw.store import Company, Record

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"
MAX_PAGE = 1000


class IntacctEmulator:
    def __init__(self, base_url: str = "http://intacct.test") -> None:
        self.base_url = base_url.rstrip("/")
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.session_timeout_s = 3600.0
        self._lock = threading.RLock()
        self._senders: dict[str, str] = {}
        self._users: dict[tuple[str, str], str] = {}
        self._companies: dict[str, Company] = {}
        self._sessions: dict[str, tuple[float, str, str]] = {}  # id -> expiry, company, user
        self._result_sets: dict[str, tuple[list[Record], list[str] | None, str, int, int]] = {}
        self._billed: dict[str, set[tuple[int, date]]] = {}
        self._clock_offset = 0.0

    @property
    def endpoint_url(self) -> str:
        return self.base_url + GATEWAY_PATH

    # -- set-up --------------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self._clock_offset, UTC).replace(microsecond=0)

    def advance_clock(self, seconds: float) -> None:
        self._clock_offset += seconds

    def add_sender(self, sender_id: str, sender_password: str) -> None:
        self._senders[sender_id] = sender_password

    def add_company(self, company_id: str) -> None:
        if company_id in self._companies:
            return
        company = Company(self.now)
        for name, days in (("Net 30", 30), ("Net 15", 15), ("Due on receipt", 0)):
            company.create("ARTERM", {"NAME": name, "DUEDATE": days, "DESCRIPTION": name}, "system")
        company.sequences["CONTRACT"] = ["CON-", 1, 4]
        self._companies[company_id] = company
        self._billed[company_id] = set()
        self._default = company_id

    def add_user(self, company_id: str, user_id: str, password: str) -> None:
        self._users[(company_id, user_id)] = password

    def set_sequence(self, object_name: str, prefix: str, next_number: int, width: int = 4) -> None:
        self.company().sequences[object_name.upper()] = [prefix, next_number, width]

    def company(self, company_id: str | None = None) -> Company:
        return self._companies[company_id or self._default]

    def seed(self, object_name: str, fields: dict[str, Any], company_id: str | None = None) -> int:
        with self._lock:
            return int(
                self.company(company_id).create(object_name, dict(fields), "seed")["RECORDNO"]
            )

    def get(
        self, object_name: str, key: str, company_id: str | None = None
    ) -> dict[str, Any] | None:
        row = self.company(company_id).by_key(object_name, key)
        return dict(row) if row else None

    def records(self, object_name: str, company_id: str | None = None) -> list[dict[str, Any]]:
        return [dict(r) for r in self.company(company_id).rows(object_name)]

    def run_billing(self, as_of: date, company_id: str | None = None) -> list[str]:
        with self._lock:
            cid = company_id or self._default
            return run_billing(self._companies[cid], as_of, self._billed[cid], "billing")

    def reset(self) -> None:
        with self._lock:
            self._companies.clear()
            self._sessions.clear()
            self._result_sets.clear()
            self.calls.clear()
            self.faults.clear()

    # -- WSGI ----------------------------------------------------------------------------

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/__admin__/"):
            response = self._admin(request)
        elif request.path == GATEWAY_PATH and request.method == "POST":
            response = self._gateway(request.get_data())
        else:
            response = Response("Not Found", status=404)
        return response(environ, start_response)

    def _gateway(self, body: bytes) -> Response:
        with self._lock:
            return self._process(body)

    def _process(self, body: bytes) -> Response:
        try:
            request = envelope.parse_request(body)
        except errors.ControlError as exc:
            return self._control_failure(None, exc)
        ctl = request.control
        if self._senders.get(ctl.senderid) is None or not secrets.compare_digest(
            self._senders[ctl.senderid], ctl.password
        ):
            return self._control_failure(ctl, errors.sender_refused())
        if ctl.dtdversion != "3.0":
            return self._control_failure(ctl, errors.bad_dtd(ctl.dtdversion))
        targets = [f"{el.tag} {_object_of(el)}".strip() for _, el in request.functions]
        fault = next((f for t in targets or ["*"] if (f := self.faults.take(t))), None)
        if fault is not None:
            early = self._fault(fault, ctl)
            if early is not None:
                return early
        root = envelope.response_root(ctl, "success")
        operation = SubElement(root, "operation")
        auth = SubElement(operation, "authentication")
        try:
            company_id, user_id = self._authenticate(request)
        except errors.AuthError as exc:
            SubElement(auth, "status").text = "failure"
            SubElement(auth, "userid").text = (request.login or {}).get("userid", "")
            SubElement(auth, "companyid").text = (request.login or {}).get("companyid", "")
            SubElement(auth, "locationid")
            envelope.add_error(operation, exc)
            return self._xml(root)
        SubElement(auth, "status").text = "success"
        SubElement(auth, "userid").text = user_id
        SubElement(auth, "companyid").text = company_id
        SubElement(auth, "locationid")
        SubElement(auth, "sessiontimestamp").text = self.now().isoformat()
        SubElement(auth, "sessiontimeout").text = (
            self.now() + timedelta(seconds=self.session_timeout_s)
        ).isoformat()
        company = self._companies[company_id]
        snapshot = company.snapshot() if request.transaction else None
        results: list[Element] = []
        failed = False
        for controlid, fn in request.functions:
            result, ok = self._run(company, company_id, user_id, ctl, controlid, fn)
            results.append(result)
            failed = failed or not ok
        if failed and snapshot is not None:
            company.restore(snapshot)
            for result in results:
                status = result.find("status")
                if status is not None and status.text == "success":
                    status.text = "aborted"
                    data = result.find("data")
                    if data is not None:
                        result.remove(data)
        elif not failed or snapshot is None:
            for (controlid, _), result in zip(request.functions, results, strict=True):
                if result.findtext("status") == "success" and controlid:
                    company.done_controlids.add(controlid)
        operation.extend(results)
        if fault is not None and fault.kind == "lose_response":
            return Response(b"", status=504)
        return self._xml(root)

    def _authenticate(self, request: envelope.ParsedRequest) -> tuple[str, str]:
        if request.sessionid:
            entry = self._sessions.get(request.sessionid)
            if entry is None or entry[0] < time.monotonic():
                raise errors.invalid_session()
            return entry[1], entry[2]
        login = request.login or {}
        key = (login.get("companyid", ""), login.get("userid", ""))
        password = self._users.get(key)
        if password is None or not secrets.compare_digest(password, login.get("password", "")):
            raise errors.login_refused()
        return key

    def _run(
        self,
        company: Company,
        company_id: str,
        user_id: str,
        ctl: envelope.Control,
        controlid: str,
        fn: Element,
    ) -> tuple[Element, bool]:
        result = Element("result")
        name = fn.tag
        target = _object_of(fn)
        try:
            if ctl.uniqueid and controlid and controlid in company.done_controlids:
                raise errors.already_executed(controlid)
            handler = getattr(self, f"_fn_{name.lower()}", None)
            if handler is None:
                raise errors.FunctionError(
                    "XL03000004", f"Unknown function {name}", "Check the function name."
                )
            data = handler(company, company_id, user_id, fn)
        except errors.FunctionError as exc:
            self.calls.record(Call(name, target, ok=False))
            SubElement(result, "status").text = "failure"
            SubElement(result, "function").text = name
            SubElement(result, "controlid").text = controlid
            envelope.add_error(result, exc)
            return result, False
        self.calls.record(Call(name, target))
        SubElement(result, "status").text = "success"
        SubElement(result, "function").text = name
        SubElement(result, "controlid").text = controlid
        if data is not None:
            result.append(data)
        return result, True

    # -- functions -----------------------------------------------------------------------

    def _fn_getapisession(
        self, company: Company, company_id: str, user_id: str, fn: Element
    ) -> Element:
        sessionid = secrets.token_urlsafe(24) + ".."
        self._sessions[sessionid] = (time.monotonic() + self.session_timeout_s, company_id, user_id)
        data = Element("data")
        api = SubElement(data, "api")
        SubElement(api, "sessionid").text = sessionid
        SubElement(api, "endpoint").text = self.endpoint_url
        SubElement(api, "locationid")
        return data

    def _write_result(self, spec_name: str, row: Record) -> Element:
        data = Element("data", {"listtype": "objects", "count": "1"})
        key = company_key = None
        node = SubElement(data, spec_name.lower())
        SubElement(node, "RECORDNO").text = str(row["RECORDNO"])
        from sandbox.emulators.intacct_gw.objects import OBJECTS

        company_key = OBJECTS[spec_name].key
        if company_key != "RECORDNO":
            key = row.get(company_key)
            SubElement(node, company_key).text = envelope.text_value(key)
        return data

    def _fields_of(self, el: Element) -> tuple[str, dict[str, Any]]:
        if len(el) != 1:
            raise errors.FunctionError(
                "XL03000004", f"{el.tag} needs exactly one object element", ""
            )
        obj = next(iter(el))
        values: dict[str, Any] = {}

        def walk(node: Element, prefix: str) -> None:
            for child in node:
                path = f"{prefix}{child.tag}"
                if len(child):
                    walk(child, f"{path}.")
                else:
                    values[path] = child.text

        walk(obj, "")
        return obj.tag.upper(), values

    def _fn_create(self, company: Company, company_id: str, user_id: str, fn: Element) -> Element:
        obj, values = self._fields_of(fn)
        row = company.create(obj, values, user_id)
        return self._write_result(obj, row)

    def _fn_update(self, company: Company, company_id: str, user_id: str, fn: Element) -> Element:
        obj, values = self._fields_of(fn)
        row = company.update(obj, values, user_id)
        return self._write_result(obj, row)

    def _fn_delete(self, company: Company, company_id: str, user_id: str, fn: Element) -> None:
        obj = (fn.findtext("object") or "").upper()
        for key in (fn.findtext("keys") or "").split(","):
            if key.strip():
                company.delete(obj, key.strip())
        return None

    def _selected(self, company: Company, obj: str, fields_text: str | None) -> list[str] | None:
        spec = company.spec(obj)
        if not fields_text or fields_text.strip() == "*":
            return None
        names = [f.strip() for f in fields_text.split(",") if f.strip()]
        for name in names:
            if name not in spec.fields:
                raise errors.unknown_field(spec.name, name)
        return names

    def _records(
        self, tag: str, rows: list[Record], fields: list[str] | None, nested: bool, **attrs: str
    ) -> Element:
        data = Element("data", {"listtype": tag, "count": str(len(rows)), **attrs})
        for row in rows:
            data.append(envelope.record_element(tag, row, fields, nested))
        return data

    def _fn_read(self, company: Company, company_id: str, user_id: str, fn: Element) -> Element:
        obj = company.spec(fn.findtext("object") or "").name
        fields = self._selected(company, obj, fn.findtext("fields"))
        keys = [k.strip() for k in (fn.findtext("keys") or "").split(",") if k.strip()]
        rows = [r for k in keys if (r := company.by_recordno(obj, k)) is not None]
        return self._records(obj, rows, fields, nested=True)

    def _fn_readbyname(
        self, company: Company, company_id: str, user_id: str, fn: Element
    ) -> Element:
        obj = company.spec(fn.findtext("object") or "").name
        fields = self._selected(company, obj, fn.findtext("fields"))
        keys = [k.strip() for k in (fn.findtext("keys") or "").split(",") if k.strip()]
        rows = [r for k in keys if (r := company.by_key(obj, k)) is not None]
        return self._records(obj, rows, fields, nested=True)

    def _fn_readbyquery(
        self, company: Company, company_id: str, user_id: str, fn: Element
    ) -> Element:
        spec = company.spec(fn.findtext("object") or "")
        fields = self._selected(company, spec.name, fn.findtext("fields"))
        predicate = filters.from_query_string(spec, fn.findtext("query") or "")
        rows = sorted(
            (r for r in company.rows(spec.name) if predicate(r)), key=lambda r: r["RECORDNO"]
        )
        size = min(int(fn.findtext("pagesize") or 100), MAX_PAGE)
        return self._result_page(spec.name, rows, fields, size, 0)

    def _result_page(
        self, obj: str, rows: list[Record], fields: list[str] | None, size: int, start: int
    ) -> Element:
        page = rows[start : start + size]
        remaining = max(0, len(rows) - start - len(page))
        result_id = ""
        if remaining:
            result_id = secrets.token_hex(8)
            self._result_sets[result_id] = (rows, fields, obj, size, start + len(page))
        return self._records(
            obj,
            page,
            fields,
            nested=True,
            totalcount=str(len(rows)),
            numremaining=str(remaining),
            resultId=result_id,
        )

    def _fn_readmore(self, company: Company, company_id: str, user_id: str, fn: Element) -> Element:
        result_id = (fn.findtext("resultId") or "").strip()
        entry = self._result_sets.pop(result_id, None)
        if entry is None:
            raise errors.FunctionError(
                "DL02000001", f"Invalid resultId {result_id}", "Run the query again."
            )
        rows, fields, obj, size, start = entry
        return self._result_page(obj, rows, fields, size, start)

    def _fn_query(self, company: Company, company_id: str, user_id: str, fn: Element) -> Element:
        spec = company.spec(fn.findtext("object") or "")
        select = [(f.text or "").strip() for f in fn.findall("select/field")]
        if not select:
            raise errors.bad_query("select needs at least one field")
        for name in select:
            if name not in spec.fields:
                raise errors.unknown_field(spec.name, name)
        flt = fn.find("filter")
        predicate = (
            filters.from_element(spec, flt) if flt is not None and len(flt) else (lambda r: True)
        )
        rows = [r for r in company.rows(spec.name) if predicate(r)]
        orders = fn.findall("orderby/order")
        for order in reversed(orders):
            field = (order.findtext("field") or "").strip()
            if field not in spec.fields:
                raise errors.unknown_field(spec.name, field)
            descending = order.find("descending") is not None
            rows.sort(key=partial(_order_key, field), reverse=descending)
        if not orders:
            rows.sort(key=lambda r: r["RECORDNO"])
        size = min(int(fn.findtext("pagesize") or 100), 2000)
        offset = int(fn.findtext("offset") or 0)
        page = rows[offset : offset + size]
        return self._records(
            spec.name,
            page,
            select,
            nested=False,
            totalcount=str(len(rows)),
            offset=str(offset),
            numremaining=str(max(0, len(rows) - offset - len(page))),
        )

    # -- faults and answers --------------------------------------------------------------

    def _fault(self, fault: FaultRule, ctl: envelope.Control) -> Response | None:
        if fault.kind == "latency":
            time.sleep(fault.latency_s)
            return None
        if fault.kind == "http_error":
            return Response(
                b"<html><body>Service Unavailable</body></html>",
                status=fault.status,
                content_type="text/html",
            )
        if fault.kind == "rate_limit":
            return self._control_failure(ctl, errors.throttled())
        if fault.kind == "expire_session":
            self._sessions.clear()
        return None

    def _control_failure(self, ctl: envelope.Control | None, err: errors.GatewayError) -> Response:
        root = envelope.response_root(ctl, "failure")
        envelope.add_error(root, err)
        self.calls.record(Call("control", "failure", ok=False))
        return self._xml(root)

    @staticmethod
    def _xml(root: Element) -> Response:
        return Response(envelope.serialize(root), content_type="text/xml; charset=UTF-8")

    # -- admin ---------------------------------------------------------------------------

    def _admin(self, request: Request) -> Response:
        path = request.path.removeprefix("/__admin__/")
        if path == "reset" and request.method == "POST":
            self.reset()
            return _json({"reset": True})
        if path == "faults" and request.method == "POST":
            try:
                self.faults.add(FaultRule(**json.loads(request.get_data() or b"{}")))
            except (TypeError, ValueError) as exc:
                return _json({"error": f"not a fault rule: {exc}"}, 400)
            return _json({"added": True}, 201)
        if path == "calls":
            return _json([{"op": c.op, "target": c.target, "ok": c.ok} for c in self.calls.all()])
        if path == "billing-run" and request.method == "POST":
            try:
                body = json.loads(request.get_data() or b"{}")
                as_of = date.fromisoformat(body.get("as_of") or self.now().date().isoformat())
            except ValueError as exc:
                return _json({"error": f"as_of must be YYYY-MM-DD: {exc}"}, 400)
            return _json({"invoices": self.run_billing(as_of)})
        if path.startswith("records/"):
            try:
                rows = self.records(path.removeprefix("records/").upper())
            except errors.FunctionError as exc:
                return _json({"error": exc.description2}, 404)
            return _json([{k: envelope.text_value(v) for k, v in r.items()} for r in rows])
        return _json({"error": "unknown admin path"}, 404)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _object_of(fn: Element) -> str:
    """The object a function works on: <object> for reads, the child element for writes."""
    return (fn.findtext("object") or (next(iter(fn)).tag if len(fn) else "")).upper()


def _order_key(field: str, row: Record) -> tuple[bool, Any]:
    """Sort key for ``orderby``: empty values last."""
    value = row.get(field)
    return (value is None, value if value is not None else 0)
