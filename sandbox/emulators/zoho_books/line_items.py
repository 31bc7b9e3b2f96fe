"""The ``line_items`` of a Books transaction (estimate, sales order, invoice, purchase order),
as Books reads them: an ``item_id`` (or a free-text ``name``), a ``quantity`` (default 1) and
a ``rate`` (default: the item's own), each line's ``item_total`` computed to the cent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sandbox.emulators.zoho_books.store import Organization, Row, decimal_of, invalid

CENT = Decimal("0.01")


def line_items(
    org: Organization, lines: Any, item_rate: Callable[[Row], Decimal | None]
) -> list[Row]:
    """The stored lines of ``lines``; ``item_rate``: the rate a line of an item takes when
    it names none (an item's selling or purchase rate)."""
    if not isinstance(lines, list) or not lines:
        raise invalid("line_items")
    out: list[Row] = []
    for order, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping):
            raise invalid("line_items")
        item = org.items.get(str(line.get("item_id") or ""))
        if item is None and not line.get("name"):
            raise invalid("item_id")
        quantity = decimal_of("quantity", line.get("quantity", 1))
        if quantity <= 0:
            raise invalid("quantity")
        given = line.get("rate")
        if given is not None:
            rate: Decimal | None = decimal_of("rate", given)
        else:
            rate = item_rate(item) if item is not None else None
        if rate is None or rate < 0:
            raise invalid("rate")
        out.append(
            {
                "line_item_id": org.ids.next(),
                "item_id": item["item_id"] if item is not None else "",
                "name": str(line.get("name") or (item["name"] if item else "")),
                "description": str(line.get("description") or ""),
                "item_order": order,
                "rate": rate,
                "quantity": quantity,
                "item_total": (rate * quantity).quantize(CENT),
            }
        )
    return out
