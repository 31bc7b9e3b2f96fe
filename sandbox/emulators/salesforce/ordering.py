"""SOQL result order and windows: ``ORDER BY`` keys with their null placement, ``LIMIT``
and ``OFFSET`` (at most 2,000: NUMBER_OUTSIDE_VALID_RANGE ``Maximum SOQL offset allowed is
2000``), shared by plain, child and aggregate queries (SOQL and SOSL Reference, "ORDER
BY", "OFFSET")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.emulators.salesforce import errors, soql

MAX_OFFSET = 2000


@dataclass(frozen=True)
class OrderKey:
    value: Callable[[Any], Any]  # an item's sort value (text folded), None for null
    descending: bool
    nulls_last: bool


def sorted_by(items: list[Any], keys: list[OrderKey]) -> list[Any]:
    """Stable multi-key sort; nulls placed per key."""
    for key in reversed(keys):
        keyed = [(item, key.value(item)) for item in items]
        present = [pair for pair in keyed if pair[1] is not None]
        absent = [pair[0] for pair in keyed if pair[1] is None]
        present.sort(key=lambda pair: pair[1], reverse=key.descending)
        ordered = [pair[0] for pair in present]
        items = ordered + absent if key.nulls_last else absent + ordered
    return items


def window(query: soql.Query, items: list[Any]) -> list[Any]:
    """``OFFSET`` then ``LIMIT``."""
    if query.offset is not None:
        if query.offset > MAX_OFFSET:
            raise errors.ApiError(
                400, "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}"
            )
        items = items[query.offset :]
    if query.limit is not None:
        items = items[: query.limit]
    return items
