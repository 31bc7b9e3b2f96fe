"""Named value transforms and computed fields. Money stays Decimal; dates stay exact."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.errors import RecordRejectedError

Transform = Callable[[Any], Any]


def _text(value: Any) -> str | None:
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


def date_to_intacct(value: Any) -> str | None:
    parsed = _parse_date(value)
    return parsed.strftime("%m/%d/%Y") if parsed else None


def date_to_iso(value: Any) -> str | None:
    parsed = _parse_date(value)
    return parsed.isoformat() if parsed else None


def _bool_to_intacct(value: Any) -> str | None:
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
    "text": _text,
    "decimal": _decimal,
    "date_to_intacct": date_to_intacct,
    "date_to_iso": date_to_iso,
    "bool_to_intacct": _bool_to_intacct,
    "bool": _truthy,
    "active_to_status": _active_to_status,
    "status_to_active": _status_to_active,
}


@dataclass(frozen=True)
class Compute:
    """A value computed from several fields of the source record."""

    inputs: tuple[str, ...]
    fn: Callable[[Mapping[str, Any]], Any]


_INTACCT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-. ]{0,19}$")


def _customer_id(fields: Mapping[str, Any]) -> str:
    """The Intacct CUSTOMERID for a Salesforce account: its AccountNumber when that is a
    valid Intacct id, else the account's 18-character Salesforce Id (stable, unique)."""
    number = _text(fields.get("AccountNumber"))
    if number and _INTACCT_ID.match(number):
        return str(number)
    return str(fields["Id"])


def _full_name(fields: Mapping[str, Any], first: str, last: str) -> str | None:
    parts = [_text(fields.get(first)), _text(fields.get(last))]
    return " ".join(p for p in parts if p) or None


def _contact_name(fields: Mapping[str, Any]) -> str:
    """Intacct CONTACTNAME is unique per company: the person's name plus the Salesforce id."""
    name = _full_name(fields, "FirstName", "LastName") or "Contact"
    return f"{name} ({str(fields['Id'])[:15]})"[:200]


def _last_name_or_print_as(fields: Mapping[str, Any]) -> str | None:
    return _text(fields.get("LASTNAME")) or _text(fields.get("PRINTAS"))


COMPUTES: dict[str, Compute] = {
    "customer_id": Compute(("AccountNumber", "Id"), _customer_id),
    "contact_name": Compute(("FirstName", "LastName", "Id"), _contact_name),
    "contact_print_as": Compute(
        ("FirstName", "LastName"), lambda f: _full_name(f, "FirstName", "LastName")
    ),
    "last_name_or_print_as": Compute(("LASTNAME", "PRINTAS"), _last_name_or_print_as),
}


def apply_transform(name: str, value: Any) -> Any:
    return TRANSFORMS[name](value)
