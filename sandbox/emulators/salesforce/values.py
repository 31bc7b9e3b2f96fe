"""Field values: from request JSON to stored Python values, and back onto the wire.

Stored types: text → ``str``; boolean → ``bool``; currency/double/percent → ``Decimal``
rounded half-up to the field's scale (never float); int → ``int``; date → ``date``;
datetime → aware UTC ``datetime``; id/reference → 18-character ``str``. An empty string
is stored as null, as the platform does.

Wrong JSON types are refused the way the REST API's JSON reader refuses them
(JSON_PARSER_ERROR, ``Cannot deserialize instance of date from VALUE_STRING value ...``);
content errors use the save errors (STRING_TOO_LONG, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,
NUMBER_OUTSIDE_VALID_RANGE, INVALID_EMAIL_ADDRESS, MALFORMED_ID).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.salesforce import errors, ids
from sandbox.emulators.salesforce.clock import (
    format_datetime,
    format_datetime_xsd,
    parse_date,
    parse_datetime,
)
from sandbox.emulators.salesforce.schema import FieldDef

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_JAVA_TYPES = {
    "boolean": "boolean",
    "currency": "double",
    "double": "double",
    "percent": "double",
    "int": "int",
    "date": "date",
    "datetime": "datetime",
}


def _token(raw: Any) -> str:
    if isinstance(raw, bool):
        return "VALUE_TRUE" if raw else "VALUE_FALSE"
    if isinstance(raw, int):
        return "VALUE_NUMBER_INT"
    if isinstance(raw, Decimal | float):
        return "VALUE_NUMBER_FLOAT"
    if isinstance(raw, dict):
        return "START_OBJECT"
    if isinstance(raw, list):
        return "START_ARRAY"
    return "VALUE_STRING"


def _cannot_deserialize(fd: FieldDef, raw: Any) -> errors.ApiError:
    java = _JAVA_TYPES.get(fd.type, "string")
    shown = raw if not isinstance(raw, str) else f'"{raw}"'
    return errors.json_parser(
        f"Cannot deserialize instance of {java} from {_token(raw)} value {shown} "
        "or request may be missing a required field"
    )


def coerce(fd: FieldDef, raw: Any) -> Any:
    """The stored value for ``raw`` sent for field ``fd`` (``ApiError`` when refused)."""
    if raw is None or (isinstance(raw, str) and raw == "" and fd.type != "boolean"):
        return False if fd.type == "boolean" else None
    if fd.text:
        return _text(fd, raw)
    if fd.type == "boolean":
        if not isinstance(raw, bool):
            raise _cannot_deserialize(fd, raw)
        return raw
    if fd.type in {"currency", "double", "percent"}:
        return _number(fd, raw)
    if fd.type == "int":
        return _integer(fd, raw)
    if fd.type == "date":
        parsed_date = parse_date(raw) if isinstance(raw, str) else None
        if parsed_date is None:
            raise _cannot_deserialize(fd, raw)
        return parsed_date
    if fd.type == "datetime":
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
        if parsed is None:
            raise _cannot_deserialize(fd, raw)
        return parsed
    return _reference(fd, raw)


def _text(fd: FieldDef, raw: Any) -> str | None:
    if isinstance(raw, dict | list):
        raise _cannot_deserialize(fd, raw)
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, Decimal):
        text = format(raw, "f")
    else:
        text = str(raw)
    if len(text) > fd.length:
        raise errors.string_too_long(fd.label, fd.name, text, fd.length)
    static = fd.type == "picklist" and fd.restricted and not fd.currency_field
    if static and text not in fd.picklist:
        raise errors.bad_picklist(fd.label, fd.name, text)
    if fd.type == "email" and not _EMAIL.match(text):
        raise errors.ApiError(
            400, "INVALID_EMAIL_ADDRESS", f"{fd.label}: invalid email address: {text}", [fd.name]
        )
    return text


def _as_decimal(fd: FieldDef, raw: Any) -> Decimal:
    if isinstance(raw, bool | dict | list):
        raise _cannot_deserialize(fd, raw)
    try:
        value = Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
    except InvalidOperation as exc:
        raise _cannot_deserialize(fd, raw) from exc
    if not value.is_finite():
        raise _cannot_deserialize(fd, raw)
    return value


def _number(fd: FieldDef, raw: Any) -> Decimal:
    value = _as_decimal(fd, raw)
    scale = fd.scale if fd.precision else 2
    rounded = value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    integer_digits = len(str(abs(int(rounded)))) if int(rounded) else 0
    if fd.precision and integer_digits > fd.precision - scale:
        raise errors.ApiError(
            400,
            "NUMBER_OUTSIDE_VALID_RANGE",
            f"{fd.label}: value outside of valid range on numeric field: {raw}",
            [fd.name],
        )
    return rounded


def _integer(fd: FieldDef, raw: Any) -> int:
    value = _as_decimal(fd, raw)
    if value != value.to_integral_value():
        raise _cannot_deserialize(fd, raw)
    return int(value)


def _reference(fd: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _cannot_deserialize(fd, raw)
    if not ids.is_valid(raw):
        raise errors.reference_of_wrong_type(fd.label, fd.name, raw)
    return ids.to18(raw)


def to_json(value: Any) -> Any:
    """A stored value as the REST API writes it (Decimal stays exact)."""
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_xml_text(value: Any) -> str:
    """A stored value as xsd text (outbound messages)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime_xsd(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
