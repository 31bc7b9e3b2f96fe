"""SalesforceEmulator: the REST API (and the OAuth token endpoint, outbound messages and an
admin API) as a WSGI app over an in-memory org."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import httpx
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from sandbox.emulators.common import Call, CallLog, FaultInjector, FaultRule
from sandbox.emulators.sfdc import ids
from sandbox.emulators.sfdc.errors import ApiFaultError, invalid_session, not_found
from sandbox.emulators.sfdc.oauth import ConnectedApp, OAuthError, TokenIssuer
from sandbox.emulators.sfdc.outbound import Notification, OutboundQueue, OutboundRule
from sandbox.emulators.sfdc.schema import OBJECTS, FieldDef, ObjectDef, lookup
from sandbox.emulators.sfdc.soql import Query, malformed, parse
from sandbox.emulators.sfdc.store import Record, Store, parse_datetime
from shared.jsonutil import dumps, loads

API_VERSION = "62.0"
MAX_COLLECTION = 200
DATA = "/services/data/v<version>"


def _fmt(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    if isinstance(value, date):
        return value.isoformat()
    return value


class SalesforceEmulator:
    def __init__(self, base_url: str = "http://salesforce.test", org_id: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._id_factory = ids.IdFactory()
        self.org_id = org_id or self._id_factory.new("00D")
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.oauth = TokenIssuer()
        self.query_batch_size = 2000
        self.rules: list[OutboundRule] = []
        self.outbound = OutboundQueue(org_id=self.org_id, base_url=self.base_url)
        self.store = Store(self._id_factory, self._on_change)
        self._cursors: dict[str, tuple[list[Record], Query, int]] = {}
        self._urls = Map(
            [
                Rule("/services/oauth2/token", endpoint="token", methods=["POST"]),
                Rule("/services/data/", endpoint="versions", methods=["GET"]),
                Rule(f"{DATA}/sobjects/<obj>/describe", endpoint="describe", methods=["GET"]),
                Rule(f"{DATA}/sobjects/<obj>/updated/", endpoint="updated", methods=["GET"]),
                Rule(f"{DATA}/sobjects/<obj>/deleted/", endpoint="deleted", methods=["GET"]),
                Rule(f"{DATA}/sobjects/<obj>", endpoint="collection", methods=["POST"]),
                Rule(
                    f"{DATA}/sobjects/<obj>/<rid>",
                    endpoint="record",
                    methods=["GET", "PATCH", "DELETE"],
                ),
                Rule(
                    f"{DATA}/sobjects/<obj>/<field>/<path:value>",
                    endpoint="external",
                    methods=["GET", "PATCH"],
                ),
                Rule(f"{DATA}/query", endpoint="query", methods=["GET"]),
                Rule(f"{DATA}/queryAll", endpoint="query_all", methods=["GET"]),
                Rule(f"{DATA}/query/<locator>", endpoint="query_more", methods=["GET"]),
                Rule(
                    f"{DATA}/composite/sobjects",
                    endpoint="composite",
                    methods=["POST", "PATCH", "DELETE"],
                ),
                Rule(f"{DATA}/composite/sobjects/<obj>", endpoint="composite_get", methods=["GET"]),
                Rule("/__admin__/reset", endpoint="admin_reset", methods=["POST"]),
                Rule("/__admin__/faults", endpoint="admin_faults", methods=["POST"]),
                Rule("/__admin__/calls", endpoint="admin_calls", methods=["GET"]),
                Rule("/__admin__/outbound/deliver", endpoint="admin_deliver", methods=["POST"]),
                Rule("/__admin__/records/<obj>", endpoint="admin_records", methods=["GET"]),
            ],
            strict_slashes=False,
        )
        self._seed()

    # -- set-up --------------------------------------------------------------------------

    def _seed(self) -> None:
        self.store.insert(
            self._obj("Pricebook2"),
            {"Name": "Standard Price Book", "IsActive": True, "IsStandard": True},
            system=True,
        )
        for name, dev in (("Contract", "Contract"), ("Sales Order", "Sales_Order")):
            self.store.insert(
                self._obj("RecordType"),
                {
                    "Name": name,
                    "DeveloperName": dev,
                    "SobjectType": "Opportunity",
                    "IsActive": True,
                },
                system=True,
            )

    def reset(self) -> None:
        with self.store.lock:
            self.store.records.clear()
            self.outbound.pending.clear()
            self.calls.clear()
            self.faults.clear()
            self._seed()

    def add_connected_app(
        self,
        client_id: str,
        client_secret: str,
        public_key_pem: str | None = None,
        run_as_username: str = "integration@example.com",
    ) -> None:
        self.oauth.apps[client_id] = ConnectedApp(
            client_id, client_secret, public_key_pem, run_as_username
        )
        self.add_user(run_as_username)

    def add_user(self, username: str) -> str:
        self.oauth.usernames.add(username)
        user = lookup("User")
        assert user is not None
        existing = self.store.by_external_id(user, user.fields_by_name["username"], username)
        if existing:
            return str(existing[0]["Id"])
        return str(
            self.store.insert(user, {"Username": username, "Name": username}, system=True)["Id"]
        )

    def add_outbound_message(
        self, name: str, sobject: str, fields: list[str], endpoint_url: str
    ) -> None:
        self.rules.append(
            OutboundRule(name, sobject, fields, endpoint_url, self._id_factory.new("04k"))
        )

    @property
    def session_timeout_s(self) -> float:
        return self.oauth.session_timeout_s

    @session_timeout_s.setter
    def session_timeout_s(self, value: float) -> None:
        self.oauth.session_timeout_s = value

    # -- test/demo access ----------------------------------------------------------------

    def insert(self, sobject: str, fields: dict[str, Any]) -> str:
        return str(self.store.insert(self._obj(sobject), dict(fields))["Id"])

    def update(self, sobject: str, record_id: str, fields: dict[str, Any]) -> None:
        self.store.update(self._obj(sobject), record_id, dict(fields))

    def get_record(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        try:
            return dict(self.store.find(self._obj(sobject), record_id))
        except ApiFaultError:
            return None

    def records(self, sobject: str) -> list[dict[str, Any]]:
        return [
            dict(r) for r in self.store.table(self._obj(sobject)).values() if not r["IsDeleted"]
        ]

    def deliver_outbound(self, client: httpx.Client) -> int:
        return self.outbound.deliver(client)

    def pending_outbound(self) -> int:
        return len(self.outbound.pending)

    def _on_change(self, sobject: str, record: Record, created: bool) -> None:
        for rule in self.rules:
            if rule.sobject.lower() != sobject.lower():
                continue
            values = {f: record.get(f) for f in ["Id", *rule.fields] if f in record}
            self.outbound.add(Notification(self._id_factory.new("04l"), rule, sobject, values))

    # -- WSGI ----------------------------------------------------------------------------

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self._dispatch(request)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        adapter = self._urls.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException:
            return self._json(not_found().body(), 404)
        if endpoint.startswith("admin_"):
            return self._admin(endpoint, request, args)
        if endpoint == "token":
            return self._token(request)
        user = self.oauth.check(request.headers.get("Authorization"))
        if user is None:
            return self._json(invalid_session().body(), 401)
        self.store.current_user = self.add_user(user)
        target = self._target(endpoint, request, args)
        fault = self.faults.take(target)
        if fault is not None and fault.kind != "lose_response":
            early = self._fault(fault)
            if early is not None:
                return early
        try:
            payload, status = getattr(self, f"_ep_{endpoint}")(request, **args)
        except ApiFaultError as exc:
            self.calls.record(Call(self._op(endpoint, request), args.get("obj", ""), ok=False))
            return self._json(exc.body(), exc.status)
        if fault is not None and fault.kind == "lose_response":
            return Response(b"", status=504)
        response = Response(status=status) if payload is None else self._json(payload, status)
        response.headers["Sforce-Limit-Info"] = f"api-usage={len(self.calls.all())}/15000"
        return response

    def _target(self, endpoint: str, request: Request, args: Mapping[str, Any]) -> str:
        if endpoint in {"query", "query_all"}:
            text = request.args.get("q", "")
            parts = text.split()
            obj = next(
                (
                    parts[i + 1]
                    for i, p in enumerate(parts)
                    if p.lower() == "from" and i + 1 < len(parts)
                ),
                "",
            )
            return f"QUERY {obj}"
        if endpoint == "composite":
            return "COMPOSITE"
        return f"{request.method} {args.get('obj', endpoint)}"

    def _fault(self, fault: FaultRule) -> Response | None:
        if fault.kind == "latency":
            time.sleep(fault.latency_s)
            return None
        if fault.kind == "rate_limit":
            body = [
                {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
            ]
            return self._json(body, 403)
        if fault.kind == "expire_session":
            self.oauth.expire_all()
            return self._json(invalid_session().body(), 401)
        if fault.kind == "http_error":
            body = [{"message": fault.message, "errorCode": "SERVER_UNAVAILABLE"}]
            return self._json(body, fault.status)
        return None

    @staticmethod
    def _op(endpoint: str, request: Request) -> str:
        if endpoint in {"query", "query_all", "query_more"}:
            return "query"
        return {
            "POST": "create",
            "PATCH": "update",
            "DELETE": "delete",
        }.get(request.method, "read")

    def _json(self, payload: Any, status: int) -> Response:
        return Response(
            dumps(payload), status=status, content_type="application/json;charset=UTF-8"
        )

    def _obj(self, name: str) -> ObjectDef:
        obj = lookup(name)
        if obj is None:
            raise ApiFaultError(
                404,
                "NOT_FOUND",
                f"The requested resource does not exist: sObject type '{name}' is not supported.",
            )
        return obj

    def _body(self, request: Request) -> Any:
        try:
            return loads(request.get_data() or b"null")
        except ValueError as exc:
            raise ApiFaultError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from exc

    # -- OAuth ---------------------------------------------------------------------------

    def _token(self, request: Request) -> Response:
        fault = self.faults.take("TOKEN")
        if fault is not None:
            early = self._fault(fault)
            if early is not None:
                return early
        try:
            token, username = self.oauth.issue(
                dict(request.form), request.headers.get("Authorization")
            )
        except OAuthError as exc:
            self.calls.record(Call("token", "oauth", ok=False))
            return Response(
                json.dumps({"error": exc.error, "error_description": exc.description}),
                status=exc.status,
                content_type="application/json",
            )
        self.calls.record(Call("token", "oauth"))
        user_id = self.add_user(username)
        issued = str(int(time.time() * 1000))
        body = {
            "access_token": token,
            "signature": secrets.token_urlsafe(32),
            "scope": "api",
            "instance_url": self.base_url,
            "id": f"{self.base_url}/id/{self.org_id}/{user_id}",
            "token_type": "Bearer",
            "issued_at": issued,
        }
        return Response(json.dumps(body), content_type="application/json")

    # -- REST endpoints: each returns (payload, status) ---------------------------------

    def _ep_versions(self, request: Request) -> tuple[Any, int]:
        return [
            {"label": "Winter '25", "url": f"/services/data/v{API_VERSION}", "version": API_VERSION}
        ], 200

    def _url(self, version: str, obj: str, rid: str) -> str:
        return f"/services/data/v{version}/sobjects/{obj}/{rid}"

    def _ep_describe(self, request: Request, version: str, obj: str) -> tuple[Any, int]:
        o = self._obj(obj)
        self.calls.record(Call("describe", o.name))
        return {
            "name": o.name,
            "custom": o.custom,
            "keyPrefix": o.prefix,
            "fields": [
                {
                    "name": f.name,
                    "type": f.type,
                    "length": f.length,
                    "nillable": not f.required,
                    "createable": f.createable,
                    "updateable": f.updateable,
                    "externalId": f.external_id,
                    "unique": f.unique,
                    "referenceTo": [f.reference_to] if f.reference_to else [],
                    "relationshipName": f.relationship_name,
                    "picklistValues": [
                        {"value": v, "label": v, "active": True} for v in f.picklist
                    ],
                }
                for f in o.fields
            ],
        }, 200

    def _ep_collection(self, request: Request, version: str, obj: str) -> tuple[Any, int]:
        o = self._obj(obj)
        body = self._body(request)
        if not isinstance(body, dict):
            raise ApiFaultError(400, "JSON_PARSER_ERROR", "Expected a JSON object")
        record = self.store.insert(o, body)
        self.calls.record(Call("create", o.name, record["Id"]))
        return {"id": record["Id"], "success": True, "errors": []}, 201

    def _ep_record(self, request: Request, version: str, obj: str, rid: str) -> tuple[Any, int]:
        o = self._obj(obj)
        if request.method == "GET":
            record = self.store.find(o, rid)
            wanted = request.args.get("fields")
            names = [n.strip() for n in wanted.split(",")] if wanted else [f.name for f in o.fields]
            self.calls.record(Call("read", o.name, record["Id"]))
            return self._render(o, record, [self._resolve(o, n) for n in names], version), 200
        if request.method == "PATCH":
            body = self._body(request)
            if not isinstance(body, dict):
                raise ApiFaultError(400, "JSON_PARSER_ERROR", "Expected a JSON object")
            record = self.store.update(o, rid, body)
            self.calls.record(Call("update", o.name, record["Id"]))
            return None, 204
        record = self.store.delete(o, rid)
        self.calls.record(Call("delete", o.name, record["Id"]))
        return None, 204

    def _ep_external(
        self, request: Request, version: str, obj: str, field: str, value: str
    ) -> tuple[Any, int]:
        o = self._obj(obj)
        f = o.field(field)
        if f is None or not (f.external_id or f.name == "Id"):
            raise ApiFaultError(
                404,
                "NOT_FOUND",
                f"Provided external ID field does not exist or is not accessible: {field}",
            )
        matches = self.store.by_external_id(o, f, value)
        if request.method == "GET":
            if not matches:
                raise not_found()
            self.calls.record(Call("read", o.name, matches[0]["Id"]))
            return self._render(o, matches[0], [x.name for x in o.fields], version), 200
        if len(matches) > 1:
            return [self._url(version, o.name, m["Id"]) for m in matches], 300
        body = self._body(request)
        if not isinstance(body, dict):
            raise ApiFaultError(400, "JSON_PARSER_ERROR", "Expected a JSON object")
        if f.name in body and str(body[f.name]) != value:
            raise ApiFaultError(
                400,
                "INVALID_FIELD",
                f"Foreign key external ID: {value} not found for field {f.name} in entity {o.name}",
            )
        if matches:
            record = self.store.update(o, matches[0]["Id"], body)
            self.calls.record(Call("upsert", o.name, record["Id"]))
            return {"id": record["Id"], "success": True, "errors": [], "created": False}, 200
        record = self.store.insert(o, {**body, f.name: value})
        self.calls.record(Call("upsert", o.name, record["Id"]))
        return {"id": record["Id"], "success": True, "errors": [], "created": True}, 201

    def _window(self, request: Request) -> tuple[datetime, datetime]:
        try:
            start = parse_datetime(request.args["start"])
            end = parse_datetime(request.args["end"])
        except (KeyError, ValueError) as exc:
            raise ApiFaultError(
                400, "INVALID_REPLICATION_DATE", "start and end are required"
            ) from exc
        return start, end

    def _ep_updated(self, request: Request, version: str, obj: str) -> tuple[Any, int]:
        o = self._obj(obj)
        start, end = self._window(request)
        found = [
            r["Id"]
            for r in self.store.table(o).values()
            if not r["IsDeleted"] and start <= r["SystemModstamp"] < end
        ]
        self.calls.record(Call("read", o.name))
        return {"ids": found, "latestDateCovered": _fmt(end)}, 200

    def _ep_deleted(self, request: Request, version: str, obj: str) -> tuple[Any, int]:
        o = self._obj(obj)
        start, end = self._window(request)
        found = [
            {"id": r["Id"], "deletedDate": _fmt(r["_deletedDate"])}
            for r in self.store.table(o).values()
            if r["IsDeleted"] and start <= r["_deletedDate"] < end
        ]
        self.calls.record(Call("read", o.name))
        return {
            "deletedRecords": found,
            "earliestDateAvailable": _fmt(datetime.now(UTC) - timedelta(days=15)),
            "latestDateCovered": _fmt(end),
        }, 200

    # -- SOQL ----------------------------------------------------------------------------

    def _resolve(self, obj: ObjectDef, path: str) -> str:
        """Validate a (relationship) path and return it with canonical casing."""
        parts = path.split(".")
        current = obj
        canonical = []
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                f = current.field(part)
                if f is None:
                    raise ApiFaultError(
                        400,
                        "INVALID_FIELD",
                        f"No such column '{part}' on entity '{current.name}'. If you are "
                        "attempting to use a custom field, be sure to append the '__c' after "
                        "the custom field name.",
                    )
                canonical.append(f.name)
            else:
                rel = current.relationship(part)
                if rel is None or rel.reference_to is None:
                    raise ApiFaultError(
                        400,
                        "INVALID_FIELD",
                        f"Didn't understand relationship '{part}' in field path.",
                    )
                canonical.append(rel.relationship_name or part)
                nxt = lookup(rel.reference_to)
                assert nxt is not None
                current = nxt
        return ".".join(canonical)

    def _value_at(self, obj: ObjectDef, record: Record, path: str) -> Any:
        parts = path.split(".")
        current_obj, current = obj, record
        for part in parts[:-1]:
            rel = current_obj.relationship(part)
            assert rel is not None
            assert rel.reference_to is not None
            target = self.store.get_by_id(str(current.get(rel.name) or ""))
            if target is None:
                return None
            current_obj = lookup(rel.reference_to)  # type: ignore[assignment]
            current = target
        return current.get(parts[-1])

    def _render(
        self, obj: ObjectDef, record: Record, paths: list[str], version: str
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {"type": obj.name, "url": self._url(version, obj.name, record["Id"])}
        }
        for path in paths:
            self._place(out, obj, record, path.split("."), version)
        return out

    def _place(
        self, out: dict[str, Any], obj: ObjectDef, record: Record, parts: list[str], version: str
    ) -> None:
        if len(parts) == 1:
            out[parts[0]] = _fmt(record.get(parts[0]))
            return
        rel = obj.relationship(parts[0])
        assert rel is not None
        assert rel.reference_to is not None
        target = self.store.get_by_id(str(record.get(rel.name) or ""))
        if target is None:
            out[parts[0]] = None
            return
        child_obj = lookup(rel.reference_to)
        assert child_obj is not None
        child = out.get(parts[0])
        if not isinstance(child, dict):
            child = {
                "attributes": {
                    "type": child_obj.name,
                    "url": self._url(version, child_obj.name, target["Id"]),
                }
            }
            out[parts[0]] = child
        self._place(child, child_obj, target, parts[1:], version)

    def _run_query(self, request: Request, version: str, include_deleted: bool) -> tuple[Any, int]:
        text = request.args.get("q")
        if not text:
            raise malformed("q is required")
        query = parse(text, self._resolve)
        rows = [
            r
            for r in self.store.table(query.obj).values()
            if (include_deleted or not r["IsDeleted"])
            and (query.where is None or query.where(partial(self._value_at, query.obj, r)))
        ]
        for path, desc, nulls_last in reversed(query.order):
            present = [r for r in rows if self._value_at(query.obj, r, path) is not None]
            absent = [r for r in rows if self._value_at(query.obj, r, path) is None]
            present.sort(key=lambda r: _sort_key(self._value_at(query.obj, r, path)), reverse=desc)
            rows = present + absent if nulls_last else absent + present
        rows = rows[query.offset :]
        if query.limit is not None:
            rows = rows[: query.limit]
        self.calls.record(Call("query", query.obj.name))
        if query.count_only:
            return {"totalSize": len(rows), "done": True, "records": []}, 200
        return self._page(rows, query, version, 0), 200

    def _page(self, rows: list[Record], query: Query, version: str, start: int) -> dict[str, Any]:
        size = self._batch_size
        chunk = rows[start : start + size]
        body: dict[str, Any] = {
            "totalSize": len(rows),
            "done": start + size >= len(rows),
            "records": [self._render(query.obj, r, query.fields, version) for r in chunk],
        }
        if not body["done"]:
            locator = f"01g{uuid.uuid4().hex[:12]}"
            self._cursors[locator] = (rows, query, start + size)
            body["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{start + size}"
        return body

    _batch_size = 2000

    def _ep_query(self, request: Request, version: str) -> tuple[Any, int]:
        self._batch_size = self._requested_batch(request)
        return self._run_query(request, version, include_deleted=False)

    def _ep_query_all(self, request: Request, version: str) -> tuple[Any, int]:
        self._batch_size = self._requested_batch(request)
        return self._run_query(request, version, include_deleted=True)

    def _requested_batch(self, request: Request) -> int:
        size = self.query_batch_size
        options = request.headers.get("Sforce-Query-Options", "")
        for part in options.split(","):
            key, _, value = part.strip().partition("=")
            if key == "batchSize" and value.isdigit():
                size = min(max(int(value), 200), 2000)
        return min(size, self.query_batch_size) if self.query_batch_size < 200 else size

    def _ep_query_more(self, request: Request, version: str, locator: str) -> tuple[Any, int]:
        key = locator.split("-")[0]
        entry = self._cursors.pop(key, None)
        if entry is None:
            raise ApiFaultError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        rows, query, start = entry
        self.calls.record(Call("query", query.obj.name))
        return self._page(rows, query, version, start), 200

    # -- composite collections -----------------------------------------------------------

    def _ep_composite(self, request: Request, version: str) -> tuple[Any, int]:
        if request.method == "DELETE":
            raw_ids = [i for i in request.args.get("ids", "").split(",") if i]
            all_or_none = request.args.get("allOrNone", "false").lower() == "true"
            records: list[dict[str, Any]] = [{"Id": i} for i in raw_ids]
        else:
            body = self._body(request)
            if not isinstance(body, dict) or not isinstance(body.get("records"), list):
                raise ApiFaultError(400, "JSON_PARSER_ERROR", "Expected {allOrNone, records}")
            records = body["records"]
            all_or_none = bool(body.get("allOrNone", False))
        if len(records) > MAX_COLLECTION:
            raise ApiFaultError(
                400,
                "EXCEEDED_ID_LIMIT",
                "record limit reached. cannot submit more than 200 records into this call",
            )
        with self.store.lock:
            snapshot = {
                k: {rid: dict(r) for rid, r in t.items()} for k, t in self.store.records.items()
            }
            pending_before = list(self.outbound.pending)
            results: list[dict[str, Any]] = []
            failed = False
            for raw in records:
                try:
                    results.append(self._composite_one(request.method, raw))
                except ApiFaultError as exc:
                    failed = True
                    results.append(
                        {
                            "id": raw.get("Id"),
                            "success": False,
                            "errors": [
                                {
                                    "statusCode": exc.code,
                                    "message": exc.message,
                                    "fields": exc.fields,
                                }
                            ],
                        }
                    )
            if failed and all_or_none:
                self.store.records.clear()
                self.store.records.update(snapshot)
                self.outbound.pending[:] = pending_before
                results = [
                    r
                    if not r["success"]
                    else {
                        "id": None,
                        "success": False,
                        "errors": [
                            {
                                "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                "message": "Record rolled back because not all records were valid "
                                "and the request was using AllOrNone header",
                                "fields": [],
                            }
                        ],
                    }
                    for r in results
                ]
        return results, 200

    def _composite_one(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        if method == "DELETE":
            rid = str(raw["Id"])
            obj = self._obj_for_id(rid)
            self.store.delete(obj, rid)
            self.calls.record(Call("delete", obj.name, rid))
            return {"id": ids.to18(rid), "success": True, "errors": []}
        attributes = raw.get("attributes") or {}
        obj = self._obj(str(attributes.get("type", "")))
        values = {k: v for k, v in raw.items() if k != "attributes"}
        if method == "POST":
            if "Id" in values:
                raise ApiFaultError(400, "INVALID_FIELD", "cannot specify Id in an insert call")
            record = self.store.insert(obj, values)
            self.calls.record(Call("create", obj.name, record["Id"]))
            return {"id": record["Id"], "success": True, "errors": []}
        rid = str(values.pop("Id", "") or "")
        if not rid:
            raise ApiFaultError(400, "MISSING_ARGUMENT", "Id not specified in an update call")
        record = self.store.update(obj, rid, values)
        self.calls.record(Call("update", obj.name, record["Id"]))
        return {"id": record["Id"], "success": True, "errors": []}

    def _obj_for_id(self, rid: str) -> ObjectDef:
        for o in OBJECTS.values():
            if rid[:3] == o.prefix:
                return o
        raise ApiFaultError(400, "MALFORMED_ID", f"malformed id {rid}")

    def _ep_composite_get(self, request: Request, version: str, obj: str) -> tuple[Any, int]:
        o = self._obj(obj)
        wanted = [n for n in request.args.get("fields", "Id").split(",") if n]
        paths = [self._resolve(o, n) for n in wanted]
        out: list[Any] = []
        for rid in [i for i in request.args.get("ids", "").split(",") if i]:
            try:
                out.append(self._render(o, self.store.find(o, rid), paths, version))
            except ApiFaultError:
                out.append(None)
        self.calls.record(Call("read", o.name))
        return out, 200

    # -- admin ---------------------------------------------------------------------------

    def _admin(self, endpoint: str, request: Request, args: Mapping[str, Any]) -> Response:
        if endpoint == "admin_reset":
            self.reset()
            return self._json({"reset": True}, 200)
        if endpoint == "admin_faults":
            try:
                rule = FaultRule(**loads(request.get_data()))
            except (TypeError, ValueError) as exc:
                return self._json({"error": f"not a fault rule: {exc}"}, 400)
            self.faults.add(rule)
            return self._json({"added": rule.match}, 201)
        if endpoint == "admin_calls":
            return self._json(
                [
                    {"op": c.op, "target": c.target, "record_id": c.record_id, "ok": c.ok}
                    for c in self.calls.all()
                ],
                200,
            )
        if endpoint == "admin_deliver":
            with httpx.Client(timeout=10) as client:
                return self._json({"acked": self.deliver_outbound(client)}, 200)
        try:
            o = self._obj(args["obj"])
        except ApiFaultError as exc:
            return self._json(exc.body(), exc.status)
        rows = [
            {k: _fmt(v) for k, v in r.items() if not k.startswith("_")}
            for r in self.store.table(o).values()
            if not r["IsDeleted"]
        ]
        return self._json(rows, 200)


def _sort_key(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, Decimal | int):
        return Decimal(value)
    return value


__all__ = ["FieldDef", "SalesforceEmulator"]
