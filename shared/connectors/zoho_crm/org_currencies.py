"""Zoho CRM's organisation currencies (API v8 "Multiple Currencies in Organization",
https://www.zoho.com/crm/developer/docs/api/v8/enable-multi-currency.html, and "Currencies").

``GET /org`` says whether multi-currency is on (``mc_status``); ``POST
/org/currencies/actions/enable`` turns it on with the home currency (``{"base_currency":
{"name", "iso_code", "symbol", "exchange_rate": "1.000000000", "format"}}``); ``POST
/org/currencies`` adds currencies, each with its rate the CRM's way (1 home unit = N foreign
units, nine decimals). Turning it off again has no documented API: ``POST
/org/currencies/actions/disable`` is what Zoho Finance Suite's own deactivation does for a
Professional edition (UNVERIFIED, the sandbox emulator serves it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from shared.connectors.zoho_crm.client import ZohoCrmClient
from shared.errors import PermanentError

FORMAT = {"decimal_separator": "Period", "thousand_separator": "Comma", "decimal_places": "2"}


class OrgCurrencies:
    def __init__(self, client: ZohoCrmClient) -> None:
        self.client = client

    def multi_currency(self) -> bool:
        body = self.client.request("GET", "org")
        orgs = (body or {}).get("org") or [{}]
        return bool(orgs[0].get("mc_status"))

    def listing(self) -> list[dict[str, Any]]:
        body = self.client.request("GET", "org/currencies")
        return [dict(c) for c in (body or {}).get("currencies", [])]

    def enable(self, home: str) -> None:
        body = {
            "base_currency": {
                "name": home,
                "iso_code": home,
                "symbol": home,
                "exchange_rate": "1.000000000",
                "format": dict(FORMAT),
            }
        }
        answer = self.client.request("POST", "org/currencies/actions/enable", body=body)
        _check((answer or {}).get("base_currency"))

    def disable(self) -> None:
        answer = self.client.request("POST", "org/currencies/actions/disable", body={})
        _check((answer or {}).get("base_currency"))

    def add(self, rates: Mapping[str, Decimal]) -> None:
        """Add currencies by ISO code with their CRM rates (1 home = N foreign)."""
        if not rates:
            return
        items: Sequence[dict[str, Any]] = [
            {
                "name": code,
                "iso_code": code,
                "symbol": code,
                "exchange_rate": f"{rate:.9f}",
                "format": dict(FORMAT),
            }
            for code, rate in sorted(rates.items())
        ]
        answer = self.client.request(
            "POST", "org/currencies", body={"currencies": list(items)}, per_record=True
        )
        for item in (answer or {}).get("currencies", []):
            _check(item)


def _check(item: Any) -> None:
    if not isinstance(item, Mapping) or item.get("status") != "success":
        code = item.get("code") if isinstance(item, Mapping) else None
        raise PermanentError(f"zoho_crm refused the currency change: {code or 'no answer'}")
