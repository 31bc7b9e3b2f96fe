"""One organisation's purchase orders, customer payments and currencies in the Zoho Books
emulator (:mod:`.purchase_orders`, :mod:`.payments`, :mod:`.currencies`), and the routing of
their requests, as the app sees them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.emulators.zoho_books import currencies, payments, purchase_orders
from sandbox.emulators.zoho_books.currencies import Currencies
from sandbox.emulators.zoho_books.payments import Invoices, Payments
from sandbox.emulators.zoho_books.purchase_orders import PurchaseOrders
from sandbox.emulators.zoho_books.store import Organization, Row


@dataclass
class FinanceBooks:
    purchase_orders: PurchaseOrders
    payments: Payments
    currencies: Currencies

    @classmethod
    def of(cls, org: Organization, invoices: Invoices) -> FinanceBooks:
        return cls(PurchaseOrders(org), Payments(org, invoices), Currencies(org))

    def clear(self) -> None:
        self.purchase_orders.clear()
        self.payments.clear()
        self.currencies.clear()


def handles(parts: list[str]) -> bool:
    return any(m.handles(parts) for m in (purchase_orders, payments, currencies))


def target(method: str, parts: list[str]) -> str:
    """``list purchaseorders``, ``create customerpayments``, ``create exchangerates`` …"""
    if purchase_orders.handles(parts):
        return purchase_orders.target(method, parts)
    if payments.handles(parts):
        return payments.target(method, parts)
    return currencies.target(method, parts)


def route(
    finance: FinanceBooks,
    method: str,
    parts: list[str],
    args: Mapping[str, str],
    body: Mapping[str, Any] | None,
) -> tuple[int, Row]:
    if purchase_orders.handles(parts):
        return purchase_orders.route(finance.purchase_orders, method, parts, args, body)
    if payments.handles(parts):
        return payments.route(finance.payments, method, parts, args, body)
    return currencies.route(finance.currencies, method, parts, args, body)
