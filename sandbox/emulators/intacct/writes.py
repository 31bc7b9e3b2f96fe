"""Creating, updating and deleting one record the way the generic functions do.

``incoming`` maps field names (dotted for owned sub-objects, any case) to the request's
text. A create checks, in order: fields the object does not have, values that do not fit
their field, the ID (taken from the document sequence when omitted and one is set),
required fields, a duplicate ID, then the object's :mod:`rules`. Read-only fields in a
request (``RECORDNO`` on create, ``TOTALDUE``, audit fields) are ignored. An update finds
its record by ``RECORDNO`` or by the object's ID field and changes only the fields given;
an empty element clears a field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.emulators.intacct import errors
from sandbox.emulators.intacct.rules import WriteContext, rules_for
from sandbox.emulators.intacct.schema import (
    InvalidValueError,
    ObjectSpec,
    Record,
    coerce,
)


def _parse(ctx: WriteContext, spec: ObjectSpec, incoming: Mapping[str, Any]) -> Record:
    values: Record = {}
    for raw_name, raw in incoming.items():
        name = raw_name.strip().upper()
        field = spec.field(name)
        if field is None:
            raise errors.unknown_field(spec.name, name)
        if field.readonly and not ctx.trusted:
            continue
        try:
            values[name] = coerce(field, raw)
        except InvalidValueError as problem:
            raise errors.invalid_value(spec.label, name, str(raw), problem.expected) from None
    return values


def _check_required(spec: ObjectSpec, values: Record, action: str) -> None:
    if spec.id_field and values.get(spec.id_field) in (None, ""):
        raise errors.required_field(spec.label, spec.id_field, action)
    for field in spec.fields:
        if field.required and not field.readonly and values.get(field.name) in (None, ""):
            raise errors.required_field(spec.label, field.name, action)


def create(ctx: WriteContext, spec: ObjectSpec, incoming: Mapping[str, Any]) -> Record:
    if not spec.writable and not ctx.trusted:
        raise errors.rule(f"create is not supported for {spec.name} by this gateway.")
    values = _parse(ctx, spec, incoming)
    values.pop("RECORDNO", None)
    if spec.id_field and values.get(spec.id_field) in (None, "") and spec.sequenced:
        values[spec.id_field] = ctx.company.next_id(spec)
    for field in spec.fields:
        if values.get(field.name) is None and field.default is not None:
            values[field.name] = coerce(field, field.default)
    rules = rules_for(spec)
    rules.defaults(ctx, values)
    if not ctx.trusted:
        _check_required(spec, values, "create")
    key = values.get(spec.id_field) if spec.id_field else None
    if key is not None and ctx.company.by_id(spec, str(key)) is not None:
        raise errors.duplicate_id(spec.label, str(key))
    if not ctx.trusted:
        rules.validate(ctx, values, None)
    record = ctx.company.insert(spec, values, ctx.user_key)
    rules.after_write(ctx, record, None)
    return record


def find_for_update(ctx: WriteContext, spec: ObjectSpec, values: Record) -> Record:
    recordno = values.get("RECORDNO")
    if recordno is not None:
        record = ctx.company.get(spec, int(recordno))
        if record is None:
            raise errors.not_found_for_update(spec.name, "RECORDNO", str(recordno))
        return record
    if spec.id_field and values.get(spec.id_field) not in (None, ""):
        key = str(values[spec.id_field])
        record = ctx.company.by_id(spec, key)
        if record is None:
            raise errors.not_found_for_update(spec.name, spec.id_field, key)
        return record
    keys = "RECORDNO" + (f" or {spec.id_field}" if spec.id_field else "")
    raise errors.rule(f"Provide {keys} to update a {spec.label}.")


def update(ctx: WriteContext, spec: ObjectSpec, incoming: Mapping[str, Any]) -> Record:
    if not spec.writable and not ctx.trusted:
        raise errors.rule(f"update is not supported for {spec.name} by this gateway.")
    keyed = WriteContext(ctx.company, ctx.user_key, trusted=True)
    values = _parse(keyed, spec, incoming)
    record = find_for_update(ctx, spec, values)
    immutable = {"RECORDNO", spec.id_field, *_IMMUTABLE.get(spec.name, ())}
    changes = {
        name: value
        for name, value in values.items()
        if name not in immutable and (ctx.trusted or not _readonly(spec, name))
    }
    merged = {**record, **changes}
    rules = rules_for(spec)
    rules.defaults(ctx, merged)
    for field in spec.fields:
        if field.required and field.name in changes and changes[field.name] in (None, ""):
            raise errors.required_field(spec.label, field.name, "update")
    if not ctx.trusted:
        rules.validate(ctx, merged, record)
    applied = {k: v for k, v in merged.items() if record.get(k) != v}
    record.update(applied)
    ctx.company.touch(record, ctx.user_key)
    rules.after_write(ctx, record, applied)
    return record


def delete(ctx: WriteContext, spec: ObjectSpec, key: str) -> Record:
    if not spec.writable and not ctx.trusted:
        raise errors.rule(f"delete is not supported for {spec.name} by this gateway.")
    record = ctx.company.get(spec, int(key)) if key.strip().isdigit() else None
    if record is None:
        raise errors.not_found_for_delete(spec.label, key)
    rules_for(spec).before_delete(ctx, record)
    ctx.company.delete(spec, int(record["RECORDNO"]), ctx.user_key)
    return record


_IMMUTABLE: dict[str, tuple[str, ...]] = {"CONTRACTDETAIL": ("CONTRACTID",)}


def _readonly(spec: ObjectSpec, name: str) -> bool:
    field = spec.field(name)
    return field is None or field.readonly
