"""Normalised value hashes: what we wrote and what we later read back must hash the same."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_DECIMAL_TEXT = re.compile(r"^-?\d+\.\d+$")


def normalize(value: Any) -> str:
    """One canonical text per meaning: None == "", True == "true", 1.50 == "1.5"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return _decimal_text(Decimal(str(value)))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if _DECIMAL_TEXT.match(text):
        return _decimal_text(Decimal(text))
    if text.lower() in {"true", "false"}:
        return text.lower()
    return text


def _decimal_text(number: Decimal) -> str:
    try:
        normal = number.normalize()
    except InvalidOperation:
        return str(number)
    return format(normal, "f")


def value_hash(value: Any) -> str:
    return hashlib.sha256(normalize(value).encode()).hexdigest()[:16]


def record_digest(record: Mapping[str, Any]) -> str:
    """One short hash of a whole record's normalised values (keys in order)."""
    text = "\n".join(f"{key}={normalize(record[key])}" for key in sorted(record))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def hashes_of(record: Mapping[str, Any], paths: Iterable[str]) -> dict[str, str]:
    return {path: value_hash(record.get(path)) for path in paths}


def changed_paths(current: Mapping[str, str], stored: Mapping[str, str]) -> set[str]:
    return {path for path, h in current.items() if stored.get(path) != h}
