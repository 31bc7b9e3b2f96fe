"""sObject resources (REST API Developer Guide, "sObject Rows", "sObject Rows by External
ID", "sObject Create", "sObject Get Updated", "sObject Get Deleted").

- ``POST sobjects/X`` → 201 ``{"id", "success": true, "errors": []}``
- ``GET|PATCH|DELETE sobjects/X/{id}`` → the record (``?fields=`` to choose) | 204 | 204
- ``GET|PATCH|DELETE sobjects/X/{ExtField}/{value}``: upsert answers 201 with
  ``"created": true`` or 200 with ``"created": false`` (API 46.0+; 204 before), 300 with
  the matching records' URLs when the value matches several, 404 ``Provided external ID
  field does not exist or is not accessible`` for a field that is not an external id.
  The external id field and ``Id`` must not be in an upsert body.
- ``GET sobjects/X/updated/?start=&end=`` → ``{"ids", "latestDateCovered"}`` and
  ``deleted/`` → ``{"deletedRecords": [{"id", "deletedDate"}], "earliestDateAvailable",
  "latestDateCovered"}``. The seconds of ``start`` and ``end`` are ignored (SOAP API
  ``getUpdated()``/``getDeleted()``, which these resources expose: "This API ignores the
  seconds portion of the supplied datetime values"; the documented ``latestDateCovered``
  is a whole minute), so changes made in the current minute show up in the next window.
  ``start`` may go back 30 days (updated) or 15 (deleted); ``end`` is capped at now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox.emulators.salesforce import describe, errors, ids, values
from sandbox.emulators.salesforce.clock import floor_minute, format_datetime, parse_datetime
from sandbox.emulators.salesforce.context import Ctx
from sandbox.emulators.salesforce.render import record_url, render_fields
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef
from sandbox.emulators.salesforce.store import Row
from sandbox.emulators.salesforce.wire import Reply

UPSERT_CREATED_SINCE = 46.0


def versions(ctx: Ctx) -> Reply:
    return Reply(200, describe.versions())


def resources(ctx: Ctx) -> Reply:
    return Reply(200, describe.resources(ctx.version))


def limits(ctx: Ctx) -> Reply:
    return Reply(200, describe.limits(ctx.org))


def describe_global(ctx: Ctx) -> Reply:
    return Reply(200, describe.describe_global(ctx.org, ctx.version))


def basic_info(ctx: Ctx, sobject: str) -> Reply:
    obj = ctx.sobject(sobject)
    return Reply(
        200, {"objectDescribe": describe.object_summary(obj, ctx.version), "recentItems": []}
    )


def describe_sobject(ctx: Ctx, sobject: str) -> Reply:
    obj = ctx.sobject(sobject)
    ctx.record("describe", obj.name)
    return Reply(200, describe.describe(obj, ctx.version, ctx.org))


def create(ctx: Ctx, sobject: str) -> Reply:
    obj = ctx.sobject(sobject)
    try:
        row = ctx.org.store.create(obj, ctx.body_object(obj.name))
    except errors.ApiError:
        ctx.record("create", obj.name, ok=False)
        raise
    ctx.record("create", obj.name, row.id)
    return Reply(201, {"id": row.id, "success": True, "errors": []})


# -- by id ---------------------------------------------------------------------------------


def _row(ctx: Ctx, obj: ObjectDef, record_id: str, *, for_write: bool) -> Row:
    if not ids.is_valid(record_id):
        raise errors.external_id_field_not_found(record_id)
    row = ctx.org.store.get(record_id)
    if row is None or row.obj is not obj:
        raise errors.not_found()
    if row.deleted:
        raise errors.entity_deleted() if for_write else errors.not_found()
    return row


def record(ctx: Ctx, sobject: str, record_id: str) -> Reply:
    obj = ctx.sobject(sobject)
    method = "GET" if ctx.request.method == "HEAD" else ctx.request.method
    op = {"GET": "read", "PATCH": "update", "DELETE": "delete"}[method]
    try:
        row = _row(ctx, obj, record_id, for_write=method != "GET")
        if method == "GET":
            reply = Reply(
                200, render_fields(ctx.org.store, row, ctx.version, _fields_param(ctx, obj))
            )
        elif method == "PATCH":
            ctx.org.store.update(row, ctx.body_object(obj.name))
            reply = Reply.empty()
        else:
            ctx.org.store.delete(row)
            reply = Reply.empty()
    except errors.ApiError:
        ctx.record(op, obj.name, record_id, ok=False)
        raise
    ctx.record(op, obj.name, row.id)
    return reply


def _fields_param(ctx: Ctx, obj: ObjectDef) -> list[str] | None:
    raw = ctx.request.args.get("fields")
    if raw is None:
        return None
    names = []
    for name in (n.strip() for n in raw.split(",") if n.strip()):
        fd = obj.field(name)
        if fd is None:
            raise errors.ApiError(
                400, "INVALID_FIELD", errors.no_such_column_in_query(name, obj.name)
            )
        names.append(fd.name)
    if "Id" not in names:
        names.append("Id")
    return names


# -- by external id ------------------------------------------------------------------------


def _external_field(obj: ObjectDef, name: str) -> FieldDef:
    fd = obj.field(name)
    if fd is None or not (fd.external_id or fd.name == "Id"):
        raise errors.external_id_field_not_found(name)
    return fd


def _matches(ctx: Ctx, obj: ObjectDef, fd: FieldDef, raw_value: str) -> tuple[Any, list[Row]]:
    if fd.name == "Id":
        if not ids.is_valid(raw_value):
            raise errors.malformed_id(raw_value)
        row = ctx.org.store.live(raw_value)
        return ids.to18(raw_value), [row] if row is not None and row.obj is obj else []
    value = values.coerce(fd, raw_value)
    return value, ctx.org.store.match(obj, fd, value)


def _multiple(ctx: Ctx, rows: list[Row]) -> Reply:
    return Reply(300, [record_url(ctx.version, r.obj.name, r.id) for r in rows])


def by_external_id(ctx: Ctx, sobject: str, field: str, value: str) -> Reply:
    obj = ctx.sobject(sobject)
    method = "GET" if ctx.request.method == "HEAD" else ctx.request.method
    op = {"GET": "read", "PATCH": "upsert", "DELETE": "delete"}[method]
    try:
        fd = _external_field(obj, field)
        typed, rows = _matches(ctx, obj, fd, value)
        if len(rows) > 1:
            reply = _multiple(ctx, rows)
            record_id = None
        elif method == "PATCH":
            reply, record_id = _upsert(ctx, obj, fd, typed, rows)
        elif not rows:
            raise errors.not_found()
        elif method == "GET":
            reply, record_id = (
                Reply(200, render_fields(ctx.org.store, rows[0], ctx.version)),
                rows[0].id,
            )
        else:
            ctx.org.store.delete(rows[0])
            reply, record_id = Reply.empty(), rows[0].id
    except errors.ApiError:
        ctx.record(op, obj.name, ok=False)
        raise
    ctx.record(op, obj.name, record_id, ok=reply.status < 300)
    return reply


def _upsert(
    ctx: Ctx, obj: ObjectDef, fd: FieldDef, typed: Any, rows: list[Row]
) -> tuple[Reply, str]:
    body = ctx.body_object(obj.name)
    for key in body:
        given = obj.field(key)
        if given is not None and given.name in {"Id", fd.name}:
            raise errors.ApiError(
                400,
                "INVALID_FIELD",
                f"{given.name}: the field used to match records can't be set in the request "
                "body of an upsert",
                [given.name],
            )
    with_created = ctx.version_number >= UPSERT_CREATED_SINCE
    if rows:
        ctx.org.store.update(rows[0], body)
        result: dict[str, Any] = {"id": rows[0].id, "success": True, "errors": []}
        if not with_created:
            return Reply.empty(), rows[0].id
        return Reply(200, {**result, "created": False}), rows[0].id
    if ctx.request.args.get("updateOnly", "").lower() == "true":
        raise errors.not_found()
    fields = dict(body) if fd.name == "Id" else {**body, fd.name: typed}
    row = ctx.org.store.create(obj, fields)
    result = {"id": row.id, "success": True, "errors": []}
    return Reply(201, {**result, "created": True} if with_created else result), row.id


# -- replication ---------------------------------------------------------------------------


def _window(ctx: Ctx, days_back: int) -> tuple[datetime, datetime]:
    args = ctx.request.args
    for name in ("start", "end"):
        if not args.get(name):
            raise errors.ApiError(400, "MISSING_ARGUMENT", f"Missing required parameter: {name}")
    start, end = parse_datetime(args["start"]), parse_datetime(args["end"])
    if start is None or end is None:
        raise errors.ApiError(
            400, "INVALID_REPLICATION_DATE", "start and end must be ISO 8601 dateTimes"
        )
    if start > end:
        raise errors.ApiError(
            400, "INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate"
        )
    now = floor_minute(ctx.org.clock.now())
    if start < now - timedelta(days=days_back):
        raise errors.ApiError(
            400,
            "INVALID_REPLICATION_DATE",
            f"startDate cannot be more than {days_back} days ago",
        )
    return floor_minute(start), min(floor_minute(end), now)


def updated(ctx: Ctx, sobject: str) -> Reply:
    obj = ctx.sobject(sobject)
    start, end = _window(ctx, 30)
    rows = [r for r in ctx.org.store.rows(obj) if start <= r.values["SystemModstamp"] < end]
    rows.sort(key=lambda r: r.values["SystemModstamp"])
    ctx.record("read", obj.name)
    return Reply(200, {"ids": [r.id for r in rows], "latestDateCovered": format_datetime(end)})


def deleted(ctx: Ctx, sobject: str) -> Reply:
    obj = ctx.sobject(sobject)
    start, end = _window(ctx, 15)
    rows = [
        r
        for r in ctx.org.store.rows(obj, include_deleted=True)
        if r.deleted_at is not None and start <= r.deleted_at < end
    ]
    rows.sort(key=lambda r: r.deleted_at or end)
    ctx.record("read", obj.name)
    return Reply(
        200,
        {
            "deletedRecords": [
                {"id": r.id, "deletedDate": format_datetime(r.deleted_at or end)} for r in rows
            ],
            "earliestDateAvailable": format_datetime(floor_minute(ctx.org.created_at)),
            "latestDateCovered": format_datetime(end),
        },
    )
