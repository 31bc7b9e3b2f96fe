"""Named value transforms, applied field by field. Money stays Decimal; dates stay exact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.errors import RecordRejectedError

Transform = Callable[[Any], Any]


def text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RecordRejectedError("ledgerlink", f"'{value}' is not a number") from exc


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise RecordRejectedError("ledgerlink", f"'{text}' is not a date")


def date_to_mdy(value: Any) -> str | None:
    parsed = _parse_date(value)
    return parsed.strftime("%m/%d/%Y") if parsed else None


def date_to_iso(value: Any) -> str | None:
    parsed = _parse_date(value)
    return parsed.isoformat() if parsed else None


def _bool_to_text(value: Any) -> str | None:
    if value is None:
        return None
    return "true" if _truthy(value) else "false"


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "t"}


def _active_to_status(value: Any) -> str:
    return "active" if _truthy(value) else "inactive"


def _status_to_active(value: Any) -> bool:
    return str(value).strip().lower() == "active"


TRANSFORMS: dict[str, Transform] = {
    "text": text,
    "decimal": _decimal,
    "date_to_mdy": date_to_mdy,
    "date_to_iso": date_to_iso,
    "bool_to_text": _bool_to_text,
    "bool": _truthy,
    "active_to_status": _active_to_status,
    "status_to_active": _status_to_active,
}


def apply_transform(name: str, value: Any) -> Any:
    return TRANSFORMS[name](value)
