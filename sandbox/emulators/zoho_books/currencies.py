"""The Zoho Books emulator's currencies and their exchange rates.

Built from Zoho Books API v3 "Currency" (https://www.zoho.com/books/api/v3/currency/):

===============================================  ==============================================
``GET|POST /settings/currencies``                list / create (``currency_code``,
                                                 ``currency_symbol``, ``price_precision``,
                                                 ``currency_format``)
``GET /settings/currencies/{id}``                one currency
``GET|POST /settings/currencies/{id}/            its exchange rates, newest first / add one
exchangerates``                                  (``effective_date``, ``rate``)
===============================================  ==============================================

Books states a rate as **1 foreign unit = N base units** (Zoho CRM Help, "Setting up the Zoho
Finance Suite integration": "how many USD make 1 INR"). A currency answers ``currency_id``,
``currency_code``, ``currency_name``, ``currency_symbol``, ``price_precision``,
``currency_format``, ``is_base_currency`` and, for a foreign one, its latest ``exchange_rate``
and ``effective_date``; a rate answers ``exchange_rate_id``, ``currency_id``,
``currency_code``, ``effective_date``, ``rate``. The base currency exists from the start and
takes no rates. Error codes (UNVERIFIED): 4 for an invalid value, 1002 "… does not exist.".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.emulators.zoho_books.store import (
    BooksError,
    Organization,
    Row,
    date_of,
    decimal_of,
    invalid,
    missing,
)

NAMES = {
    "USD": ("US Dollar", "$"),
    "EUR": ("Euro", "€"),
    "GBP": ("Pound Sterling", "£"),
    "INR": ("Indian Rupee", "₹"),
    "AUD": ("Australian Dollar", "$"),
    "CAD": ("Canadian Dollar", "$"),
    "JPY": ("Japanese Yen", "¥"),
}


@dataclass
class Currencies:
    org: Organization
    rows: dict[str, Row] = field(default_factory=dict)
    rates: dict[str, list[Row]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.rows.clear()
        self.rates.clear()
        self._add(self.org.currency_code, None, 2, "1,234,567.89", base=True)

    def get(self, currency_id: str) -> Row:
        row = self.rows.get(currency_id)
        if row is None:
            raise missing("Currency")
        return row

    def by_code(self, code: str) -> Row | None:
        return next((r for r in self.rows.values() if r["currency_code"] == code), None)

    def create(self, body: Mapping[str, Any]) -> Row:
        code = body.get("currency_code")
        if not isinstance(code, str) or len(code) != 3 or not code.isalpha():
            raise invalid("currency_code")
        if self.by_code(code.upper()) is not None:
            raise BooksError(400, 4, "The currency code already exists.")
        fmt = body.get("currency_format")
        if not isinstance(fmt, str) or not fmt:
            raise invalid("currency_format")
        precision = body.get("price_precision", 2)
        if not isinstance(precision, int) or isinstance(precision, bool) or precision < 0:
            raise invalid("price_precision")
        symbol = body.get("currency_symbol")
        return self._add(code.upper(), symbol if isinstance(symbol, str) else None, precision, fmt)

    def add_rate(self, currency_id: str, body: Mapping[str, Any]) -> Row:
        currency = self.get(currency_id)
        if currency["is_base_currency"]:
            raise BooksError(400, 4, "The base currency takes no exchange rate.")
        rate = decimal_of("rate", body.get("rate"))
        if rate <= 0:
            raise invalid("rate")
        effective = date_of("effective_date", body.get("effective_date"))
        row: Row = {
            "exchange_rate_id": self.org.ids.next(),
            "currency_id": currency_id,
            "currency_code": currency["currency_code"],
            "effective_date": effective,
            "rate": rate,
        }
        self.rates[currency_id].append(row)
        latest = max(
            self.rates[currency_id], key=lambda r: (r["effective_date"], int(r["exchange_rate_id"]))
        )
        currency["exchange_rate"] = latest["rate"]
        currency["effective_date"] = latest["effective_date"]
        return row

    def rate_list(self, currency_id: str) -> list[Row]:
        self.get(currency_id)
        return sorted(
            self.rates[currency_id],
            key=lambda r: (r["effective_date"], int(r["exchange_rate_id"])),
            reverse=True,
        )

    def _add(
        self, code: str, symbol: str | None, precision: int, fmt: str, *, base: bool = False
    ) -> Row:
        name, known_symbol = NAMES.get(code, (code, code))
        row: Row = {
            "currency_id": self.org.ids.next(),
            "currency_code": code,
            "currency_name": f"{code}- {name}",
            "currency_symbol": symbol or known_symbol,
            "price_precision": precision,
            "currency_format": fmt,
            "is_base_currency": base,
            "exchange_rate": Decimal(1) if base else Decimal(0),
            "effective_date": "",
        }
        self.rows[row["currency_id"]] = row
        self.rates[row["currency_id"]] = []
        return row


def handles(parts: list[str]) -> bool:
    return len(parts) >= 2 and parts[0] == "settings" and parts[1] == "currencies"


def target(method: str, parts: list[str]) -> str:
    kind = "exchangerates" if len(parts) >= 4 and parts[3] == "exchangerates" else "currencies"
    if method == "GET":
        return f"{'read' if len(parts) == 3 else 'list'} {kind}"
    return f"create {kind}"


def route(
    currencies: Currencies,
    method: str,
    parts: list[str],
    args: Mapping[str, str],
    body: Mapping[str, Any] | None,
) -> tuple[int, Row]:
    rest = parts[2:]
    if not rest and method == "GET":
        rows = list(currencies.rows.values())
        return 200, {"code": 0, "message": "success", "currencies": [dict(r) for r in rows]}
    if not rest and method == "POST":
        row = currencies.create(body or {})
        return 201, {"code": 0, "message": "The currency has been added.", "currency": dict(row)}
    if len(rest) == 1 and method == "GET":
        return 200, {"code": 0, "message": "success", "currency": dict(currencies.get(rest[0]))}
    if len(rest) == 2 and rest[1] == "exchangerates" and method == "GET":
        rates = [dict(r) for r in currencies.rate_list(rest[0])]
        return 200, {"code": 0, "message": "success", "exchange_rates": rates}
    if len(rest) == 2 and rest[1] == "exchangerates" and method == "POST":
        row = currencies.add_rate(rest[0], body or {})
        return 201, {
            "code": 0,
            "message": "The exchange rate has been added.",
            "exchange_rate": dict(row),
        }
    raise BooksError(405, 37, "The HTTP method is not allowed for the requested resource")
