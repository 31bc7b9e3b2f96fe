"""The Zoho CRM emulator's organisation currencies (multi-currency).

Zoho CRM API v8 "Multiple Currencies in Organization"
(https://www.zoho.com/crm/developer/docs/api/v8/enable-multi-currency.html) and "Currencies":

==========================================  ===================================================
``GET /org/currencies``                     the org's currencies (the home one alone while
                                            multi-currency is off)
``POST /org/currencies/actions/enable``     ``{"base_currency": {"name", "iso_code", "symbol",
                                            "exchange_rate", "format"}}``: turn multi-currency
                                            on; the home currency (``iso_code``) must be the
                                            org's
``POST /org/currencies``                    ``{"currencies": [{"name", "iso_code", "symbol",
                                            "exchange_rate", "format"}]}``: add currencies
``POST /org/currencies/actions/disable``    UNVERIFIED (no documented API): turn it off again,
                                            as Zoho Finance Suite does for a Professional
                                            edition when the integration is deactivated
==========================================  ===================================================

The CRM states a rate as **1 home unit = N foreign units**, a string with nine decimals
(``"83.000000000"``). ``GET /org`` answers ``mc_status`` true while multi-currency is on.
Answers per currency: ``{"code": "SUCCESS", "details": {"id"}, "message", "status"}``. An
enable while on answers 400 ``MULTI_CURRENCY_ALREADY_ENABLED`` and an add while off 400
``MULTI_CURRENCY_DISABLED`` (both codes UNVERIFIED).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.zoho_accounts import Clock, Ids
from sandbox.emulators.zoho_crm.records import USER, format_datetime

NINE = Decimal("0.000000001")


class CurrencyError(Exception):
    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})


@dataclass
class OrgCurrencies:
    clock: Clock
    home: str = "USD"
    enabled: bool = False
    ids: Ids = field(default_factory=lambda: Ids(4150868, 19))
    rows: list[dict[str, Any]] = field(default_factory=list)
    toggles: int = 0  # how many times multi-currency was turned on or off

    def clear(self) -> None:
        self.enabled = False
        self.rows.clear()

    def listing(self) -> list[dict[str, Any]]:
        if not self.enabled:
            return [self._row({"iso_code": self.home, "name": self.home}, base=True)]
        return [dict(r) for r in self.rows]

    def enable(self, body: Mapping[str, Any]) -> dict[str, Any]:
        base = body.get("base_currency")
        if not isinstance(base, Mapping):
            raise CurrencyError(
                "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "base_currency"}
            )
        if self.enabled:
            raise CurrencyError("MULTI_CURRENCY_ALREADY_ENABLED", "multi currency already enabled")
        if base.get("iso_code") != self.home:
            raise CurrencyError("INVALID_DATA", "invalid data", {"api_name": "iso_code"})
        row = self._row(base, base=True)
        self.rows = [row]
        self.enabled = True
        self.toggles += 1
        return _success(row["id"], "Successfully enabled multi currency")

    def disable(self) -> dict[str, Any]:
        if not self.enabled:
            raise CurrencyError("MULTI_CURRENCY_DISABLED", "multi currency is not enabled")
        self.enabled = False
        self.rows.clear()
        self.toggles += 1
        return _success("", "Successfully disabled multi currency")

    def add(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        items = body.get("currencies")
        if not isinstance(items, list) or not items:
            raise CurrencyError(
                "MANDATORY_NOT_FOUND", "required field not found", {"api_name": "currencies"}
            )
        if not self.enabled:
            raise CurrencyError("MULTI_CURRENCY_DISABLED", "multi currency is not enabled")
        answers = []
        for item in items:
            code = item.get("iso_code") if isinstance(item, Mapping) else None
            if not isinstance(code, str) or any(r["iso_code"] == code for r in self.rows):
                answers.append(
                    {"code": "DUPLICATE_DATA" if isinstance(code, str) else "INVALID_DATA",
                     "details": {"api_name": "iso_code"}, "message": "invalid currency",
                     "status": "error"}
                )  # fmt: skip
                continue
            try:
                row = self._row(item, base=False)
            except CurrencyError as exc:
                answers.append(
                    {"code": exc.code, "details": exc.details, "message": exc.message,
                     "status": "error"}
                )  # fmt: skip
                continue
            self.rows.append(row)
            answers.append(_success(row["id"], "currency added successfully"))
        return answers

    def _row(self, body: Mapping[str, Any], *, base: bool) -> dict[str, Any]:
        raw = body.get("exchange_rate", "1.000000000")
        try:
            rate = Decimal(str(raw)).quantize(NINE)
        except InvalidOperation:
            raise CurrencyError(
                "INVALID_DATA", "invalid data", {"api_name": "exchange_rate"}
            ) from None
        if rate <= 0 or (base and rate != 1):
            raise CurrencyError("INVALID_DATA", "invalid data", {"api_name": "exchange_rate"})
        now = format_datetime(self.clock.now())
        code = str(body.get("iso_code"))
        return {
            "id": self.ids.next(),
            "iso_code": code,
            "name": str(body.get("name") or code),
            "symbol": str(body.get("symbol") or code),
            "exchange_rate": f"{rate}",
            "is_base": base,
            "is_active": True,
            "prefix_symbol": True,
            "format": dict(
                body.get("format")
                or {
                    "decimal_separator": "Period",
                    "thousand_separator": "Comma",
                    "decimal_places": "2",
                }
            ),
            "created_time": now,
            "modified_time": now,
            "created_by": {"name": USER["name"], "id": USER["id"]},
            "modified_by": {"name": USER["name"], "id": USER["id"]},
        }


def _success(row_id: str, message: str) -> dict[str, Any]:
    return {"code": "SUCCESS", "details": {"id": row_id}, "message": message, "status": "success"}


def handles(parts: list[str]) -> bool:
    return len(parts) >= 2 and parts[0] == "org" and parts[1] == "currencies"


def route(
    currencies: OrgCurrencies, method: str, parts: list[str], body: Mapping[str, Any]
) -> tuple[int, dict[str, Any]]:
    """Answer one request as ``(http status, JSON body)``; raises :class:`CurrencyError`."""
    rest = parts[2:]
    if not rest and method == "GET":
        return 200, {"currencies": currencies.listing()}
    if not rest and method == "POST":
        answers = currencies.add(body)
        ok = all(a["status"] == "success" for a in answers)
        return (201 if ok else 400), {"currencies": answers}
    if rest == ["actions", "enable"] and method == "POST":
        return 200, {"base_currency": currencies.enable(body)}
    if rest == ["actions", "disable"] and method == "POST":
        return 200, {"base_currency": currencies.disable()}
    raise CurrencyError("METHOD_NOT_ALLOWED", "The requested method is not allowed.")
