"""JSON that keeps money exact: Decimals in, Decimals out, never through float."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\u0000dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9.Ee+-]+)"')


def _mark(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return f"{_MARK}{value}"
    if isinstance(value, dict):
        return {k: _mark(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mark(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """json.dumps, writing Decimal values as exact JSON numbers."""
    return _MARKED.sub(r"\1", json.dumps(_mark(value), default=str))


def loads(text: str | bytes) -> Any:
    """json.loads, reading every non-integer number as Decimal."""
    return json.loads(text, parse_float=Decimal)
