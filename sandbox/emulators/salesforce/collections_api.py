"""sObject Collections (REST API Developer Guide, "sObject Collections").

- ``POST composite/sobjects`` ``{"allOrNone", "records": [{"attributes": {"type"}, ...}]}``
  creates, ``PATCH`` updates (each record carries its ``id``), ``DELETE ?ids=&allOrNone=``
  deletes, ``PATCH composite/sobjects/X/ExtField`` upserts; all answer 200 with one
  SaveResult per record, in order: ``{"id", "success", "errors": [{"statusCode",
  "message", "fields"}]}`` (a failed create has no ``id``; upserts add ``created``).
- ``allOrNone``: when any record fails, every other record is rolled back and reports
  ``ALL_OR_NONE_OPERATION_ROLLED_BACK`` (``Record rolled back because not all records
  were valid and the request was using AllOrNone header``).
- At most 200 records: more is ``400 EXCEEDED_ID_LIMIT`` (``record limit reached. cannot
  submit more than 200 records into this call``). A record without ``attributes.type`` is
  ``400 INVALID_TYPE`` (``Must send a concrete entity type.``).
- ``GET composite/sobjects/X?ids=&fields=`` (or ``POST`` with ``{"ids", "fields"}``)
  returns the records in order, ``null`` for ids that match none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.emulators.salesforce import errors, ids, values
from sandbox.emulators.salesforce.context import Ctx
from sandbox.emulators.salesforce.render import render_fields
from sandbox.emulators.salesforce.schema import ObjectDef
from sandbox.emulators.salesforce.store import Row
from sandbox.emulators.salesforce.wire import Reply

MAX_RECORDS = 200
MAX_RETRIEVE = 2000
ROLLED_BACK = errors.ApiError(
    400,
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using "
    "AllOrNone header",
)

# One record's work: returns (record id, extra result keys); raises ApiError when refused.
Work = Callable[[], tuple[str, dict[str, Any]]]


def _too_many() -> errors.ApiError:
    return errors.ApiError(
        400,
        "EXCEEDED_ID_LIMIT",
        f"record limit reached. cannot submit more than {MAX_RECORDS} records into this call",
    )


def _records(ctx: Ctx) -> tuple[list[dict[str, Any]], bool]:
    body = ctx.body()
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise errors.json_parser(
            "Cannot deserialize instance of the collection request: expected an object with "
            "a records array"
        )
    records = body["records"]
    if len(records) > MAX_RECORDS:
        raise _too_many()
    for raw in records:
        attributes = raw.get("attributes") if isinstance(raw, dict) else None
        if not isinstance(attributes, dict) or not attributes.get("type"):
            raise errors.ApiError(400, "INVALID_TYPE", "Must send a concrete entity type.")
    return records, bool(body.get("allOrNone", False))


def target_object(ctx: Ctx) -> str:
    """The (first) object a collections request touches, for fault matching."""
    if ctx.request.method == "DELETE":
        first = ctx.request.args.get("ids", "").split(",")[0]
        obj = ctx.org.schema.for_id(first)
        return obj.name if obj else ""
    try:
        body = ctx.body()
    except errors.ApiError:
        return ""
    records = body.get("records") if isinstance(body, dict) else None
    if isinstance(records, list) and records and isinstance(records[0], dict):
        attributes = records[0].get("attributes")
        if isinstance(attributes, dict):
            return str(attributes.get("type", ""))
    return ""


def _run(ctx: Ctx, op: str, jobs: list[tuple[str | None, str, Work]], all_or_none: bool) -> Reply:
    """Run each job in its own savepoint; with allOrNone, undo all if any failed."""
    store = ctx.org.store
    results: list[dict[str, Any]] = []
    with store.transaction():
        start = store.mark()
        for known_id, sobject, work in jobs:
            try:
                with store.transaction():
                    record_id, extra = work()
            except errors.ApiError as exc:
                failure: dict[str, Any] = {"success": False, "errors": [exc.save_error()]}
                results.append({"id": known_id, **failure} if known_id else failure)
                ctx.record(op, sobject, known_id, ok=False)
                continue
            results.append({"id": record_id, "success": True, "errors": [], **extra})
            ctx.record(op, sobject, record_id)
        if all_or_none and any(not r["success"] for r in results):
            store.rollback_to(start)
            results = [
                r if not r["success"] else _rolled_back(r, keep_id=op != "create") for r in results
            ]
    return Reply(200, results)


def _rolled_back(result: dict[str, Any], *, keep_id: bool) -> dict[str, Any]:
    failure: dict[str, Any] = {"success": False, "errors": [ROLLED_BACK.save_error()]}
    return {"id": result["id"], **failure} if keep_id else failure


def _type_of(ctx: Ctx, raw: dict[str, Any]) -> ObjectDef:
    name = str(raw["attributes"]["type"])
    obj = ctx.org.schema.get(name)
    if obj is None:
        raise errors.ApiError(400, "INVALID_TYPE", f"sObject type '{name}' is not supported.")
    return obj


def _fields(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k != "attributes"}


def _existing(ctx: Ctx, obj: ObjectDef, record_id: Any) -> Row:
    if not isinstance(record_id, str) or not record_id:
        raise errors.ApiError(400, "MISSING_ARGUMENT", "Id not specified in an update call")
    if not ids.is_valid(record_id):
        raise errors.malformed_id(record_id)
    row = ctx.org.store.get(record_id)
    if row is None or row.obj is not obj:
        raise errors.invalid_cross_reference("Id")
    if row.deleted:
        raise errors.entity_deleted(400)
    return row


def create(ctx: Ctx) -> Reply:
    records, all_or_none = _records(ctx)
    jobs: list[tuple[str | None, str, Work]] = []
    for raw in records:

        def work(raw: dict[str, Any] = raw) -> tuple[str, dict[str, Any]]:
            return ctx.org.store.create(_type_of(ctx, raw), _fields(raw)).id, {}

        jobs.append((None, str(raw["attributes"]["type"]), work))
    return _run(ctx, "create", jobs, all_or_none)


def update(ctx: Ctx) -> Reply:
    records, all_or_none = _records(ctx)
    jobs: list[tuple[str | None, str, Work]] = []
    for raw in records:
        fields = _fields(raw)
        id_key = next((k for k in fields if k.lower() == "id"), None)
        record_id = fields.pop(id_key) if id_key else None

        def work(
            raw: dict[str, Any] = raw, fields: dict[str, Any] = fields, record_id: Any = record_id
        ) -> tuple[str, dict[str, Any]]:
            row = _existing(ctx, _type_of(ctx, raw), record_id)
            ctx.org.store.update(row, fields)
            return row.id, {}

        known = (
            ids.to18(record_id) if isinstance(record_id, str) and ids.is_valid(record_id) else None
        )
        jobs.append((known, str(raw["attributes"]["type"]), work))
    return _run(ctx, "update", jobs, all_or_none)


def delete(ctx: Ctx) -> Reply:
    raw_ids = [i.strip() for i in ctx.request.args.get("ids", "").split(",") if i.strip()]
    if not raw_ids:
        raise errors.ApiError(400, "MISSING_ARGUMENT", "Missing required parameter: ids")
    if len(raw_ids) > MAX_RECORDS:
        raise _too_many()
    all_or_none = ctx.request.args.get("allOrNone", "false").lower() == "true"
    jobs: list[tuple[str | None, str, Work]] = []
    for raw_id in raw_ids:

        def work(raw_id: str = raw_id) -> tuple[str, dict[str, Any]]:
            if not ids.is_valid(raw_id):
                raise errors.malformed_id(raw_id)
            row = ctx.org.store.get(raw_id)
            if row is None:
                raise errors.invalid_cross_reference("Id")
            if row.deleted:
                raise errors.entity_deleted(400)
            ctx.org.store.delete(row)
            return row.id, {}

        obj = ctx.org.schema.for_id(raw_id)
        known = ids.to18(raw_id) if ids.is_valid(raw_id) else raw_id
        jobs.append((known, obj.name if obj else "", work))
    return _run(ctx, "delete", jobs, all_or_none)


def upsert(ctx: Ctx, sobject: str, field: str) -> Reply:
    obj = ctx.sobject(sobject)
    fd = obj.field(field)
    if fd is None or not fd.external_id:
        raise errors.external_id_field_not_found(field)
    records, all_or_none = _records(ctx)
    jobs: list[tuple[str | None, str, Work]] = []
    for raw in records:

        def work(raw: dict[str, Any] = raw) -> tuple[str, dict[str, Any]]:
            if _type_of(ctx, raw) is not obj:
                raise errors.ApiError(
                    400, "INVALID_TYPE", f"All records must be of type {obj.name}"
                )
            fields = _fields(raw)
            key = next((k for k in fields if k.lower() == fd.name.lower()), None)
            if key is None or fields[key] in (None, ""):
                raise errors.required_missing([fd.name])
            matches = ctx.org.store.match(obj, fd, values.coerce(fd, fields.pop(key)))
            if len(matches) > 1:
                raise errors.ApiError(
                    400, "DUPLICATE_EXTERNAL_ID", f"Duplicate external id specified: {raw[key]}"
                )
            if matches:
                ctx.org.store.update(matches[0], fields)
                return matches[0].id, {"created": False}
            return ctx.org.store.create(obj, {**fields, fd.name: raw[key]}).id, {"created": True}

        jobs.append((None, obj.name, work))
    return _run(ctx, "upsert", jobs, all_or_none)


def retrieve(ctx: Ctx, sobject: str) -> Reply:
    obj = ctx.sobject(sobject)
    if ctx.request.method == "POST":
        body = ctx.body()
        wanted_ids = body.get("ids") if isinstance(body, dict) else None
        wanted_fields = body.get("fields") if isinstance(body, dict) else None
    else:
        wanted_ids = [i for i in ctx.request.args.get("ids", "").split(",") if i]
        wanted_fields = [f for f in ctx.request.args.get("fields", "").split(",") if f]
    if not isinstance(wanted_ids, list) or not wanted_ids:
        raise errors.ApiError(400, "MISSING_ARGUMENT", "Missing required parameter: ids")
    if not isinstance(wanted_fields, list) or not wanted_fields:
        raise errors.ApiError(400, "MISSING_ARGUMENT", "Missing required parameter: fields")
    if len(wanted_ids) > MAX_RETRIEVE:
        raise _too_many()
    names = []
    for name in wanted_fields:
        fd = obj.field(str(name))
        if fd is None:
            raise errors.ApiError(
                400, "INVALID_FIELD", errors.no_such_column_in_query(str(name), obj.name)
            )
        names.append(fd.name)
    out: list[dict[str, Any] | None] = []
    for record_id in wanted_ids:
        row = ctx.org.store.live(str(record_id))
        out.append(
            render_fields(ctx.org.store, row, ctx.version, names)
            if row is not None and row.obj is obj
            else None
        )
    ctx.record("read", obj.name)
    return Reply(200, out)
