"""Bulk API 2.0 CSV cells ↔ field values (Bulk API 2.0 Developer Guide, "Prepare CSV
Files": field names in the header, ``Parent.ExternalId__c`` columns for relationships,
``#N/A`` to set null; "Get Job Failed Record Results" for the ``sf__Error`` text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.salesforce import errors
from sandbox.emulators.salesforce.clock import parse_date, parse_datetime
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef, Schema
from sandbox.emulators.salesforce.values import to_xml_text

NULL = "#N/A"


class JobDataError(Exception):
    """Upload data that fails the whole job (its ``errorMessage``)."""


@dataclass(frozen=True)
class Column:
    """One uploaded column: the field it sets, or a parent's external id through
    ``relationship``."""

    name: str
    field: FieldDef
    relationship: FieldDef | None = None


def column_of(schema: Schema, obj: ObjectDef, name: str) -> Column:
    head, dot, tail = name.partition(".")
    if not dot:
        fd = obj.field(name)
        if fd is None:
            raise JobDataError(f"InvalidBatch : Field name not found : {name}")
        return Column(name, fd)
    reference = obj.reference(head)
    target = schema.get(reference.reference_to or "") if reference else None
    parent_key = target.field(tail) if target is not None else None
    if reference is None or parent_key is None:
        raise JobDataError(f"InvalidBatch : Field name not found : {name}")
    if not (parent_key.external_id or parent_key.name == "Id"):
        raise JobDataError(
            f"InvalidBatch : The field {tail} on {target.name if target else head} is not an "
            "external id field"
        )
    return Column(name, parent_key, reference)


def row_fields(
    columns: Sequence[Column], row: tuple[str, ...], *, skip: int | None
) -> dict[str, Any]:
    """A row as the JSON-style fields the store takes."""
    fields: dict[str, Any] = {}
    for index, column in enumerate(columns):
        if index == skip:
            continue
        raw = row[index] if index < len(row) else ""
        if raw == "":
            continue
        if column.relationship is not None and raw == NULL:
            fields[column.relationship.name] = None
        elif column.relationship is not None:
            fields[str(column.relationship.relationship)] = {column.field.name: raw}
        else:
            fields[column.field.name] = None if raw == NULL else typed(column.field, raw)
    return fields


def typed(fd: FieldDef, raw: str) -> Any:
    """A CSV value as the JSON value the field takes (save error for a wrong type)."""
    if fd.type == "boolean":
        lowered = raw.strip().lower()
        if lowered in {"true", "1"}:
            return True
        if lowered in {"false", "0"}:
            return False
        raise _wrong_type(fd, raw)
    if fd.numeric:
        try:
            Decimal(raw.strip())
        except InvalidOperation as exc:
            raise _wrong_type(fd, raw) from exc
        return raw.strip()
    if fd.type == "date" and parse_date(raw) is None:
        parsed = parse_datetime(raw)
        if parsed is None:
            raise _wrong_type(fd, raw)
        return parsed.date().isoformat()
    if fd.type == "datetime" and parse_datetime(raw) is None:
        day = parse_date(raw)
        if day is None:
            raise _wrong_type(fd, raw)
        return f"{day.isoformat()}T00:00:00Z"
    return raw


def _wrong_type(fd: FieldDef, raw: str) -> errors.ApiError:
    return errors.ApiError(
        400,
        "INVALID_TYPE_ON_FIELD_IN_RECORD",
        f"{fd.label}: value not of required type: {raw}",
        [fd.name],
    )


def error_text(exc: errors.ApiError) -> str:
    """``STATUS_CODE:message:fields --`` as ``sf__Error`` shows it."""
    fields = ",".join(exc.fields or [])
    return f"{exc.code}:{exc.message}:{fields + ' ' if fields else ''}--"


def cell_text(value: Any) -> str:
    """A stored value as a query result cell (null is an empty cell; else xsd text)."""
    return "" if value is None else to_xml_text(value)
