"""The Books emulator's purchase orders, customer payments and currencies speak Books' wire."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from sandbox.emulators.zoho_books import ZohoBooksEmulator


@pytest.fixture
def customer(books: ZohoBooksEmulator) -> str:
    return books.create("contacts", {"contact_name": "Bowman"})


@pytest.fixture
def item(books: ZohoBooksEmulator) -> str:
    return books.create("items", {"name": "Desk", "rate": "100.00"})


def _sent_invoice(api: httpx.Client, customer: str, item: str, quantity: int = 3) -> str:
    body = {"customer_id": customer, "line_items": [{"item_id": item, "quantity": quantity}]}
    invoice_id = str(api.post("/invoices", json=body).json()["invoice"]["invoice_id"])
    assert api.post(f"/invoices/{invoice_id}/status/sent").status_code == 200
    return invoice_id


def test_a_partial_then_a_full_payment_lower_the_balance_and_mark_the_invoice(api, customer, item):
    # Given a sent invoice of 300.00
    invoice_id = _sent_invoice(api, customer, item)
    # When 120.00 is paid, then the remaining 180.00
    first = api.post(
        "/customerpayments",
        json={
            "customer_id": customer,
            "payment_mode": "banktransfer",
            "amount": 120,
            "date": "2026-03-05",
            "invoices": [{"invoice_id": invoice_id, "amount_applied": 120}],
        },
    )
    after_first = api.get(f"/invoices/{invoice_id}").json()["invoice"]
    second = api.post(
        "/customerpayments",
        json={
            "customer_id": customer,
            "payment_mode": "cash",
            "amount": "180.00",
            "date": "2026-03-06",
            "invoices": [{"invoice_id": invoice_id, "amount_applied": "180.00"}],
        },
    )
    after_second = api.get(f"/invoices/{invoice_id}").json()["invoice"]
    # Then each payment answers 201 with its application, and the invoice goes
    # partially_paid with 180 left, then paid with nothing left
    assert first.status_code == 201
    payment = first.json()["payment"]
    assert payment["invoices"][0]["amount_applied"] == 120
    assert payment["invoices"][0]["balance_amount"] == 180
    assert (after_first["status"], Decimal(str(after_first["balance"]))) == (
        "partially_paid",
        Decimal("180.00"),
    )
    assert second.status_code == 201
    assert (after_second["status"], Decimal(str(after_second["balance"]))) == ("paid", 0)
    listed = api.get("/customerpayments", params={"customer_id": customer}).json()
    assert [p["payment_id"] for p in listed["customerpayments"]] == [
        payment["payment_id"],
        second.json()["payment"]["payment_id"],
    ]


def test_a_payment_applying_more_than_the_balance_is_refused_and_applies_nothing(
    api, customer, item
):
    # Given a sent invoice of 100.00
    invoice_id = _sent_invoice(api, customer, item, quantity=1)
    # When a payment tries to apply 150.00 to it
    answer = api.post(
        "/customerpayments",
        json={
            "customer_id": customer,
            "payment_mode": "cash",
            "amount": 150,
            "date": "2026-03-05",
            "invoices": [{"invoice_id": invoice_id, "amount_applied": 150}],
        },
    )
    # Then Books refuses it and the invoice still owes everything
    assert answer.status_code == 400
    assert answer.json()["code"] != 0
    invoice = api.get(f"/invoices/{invoice_id}").json()["invoice"]
    assert (invoice["status"], Decimal(str(invoice["balance"]))) == ("sent", Decimal("100.00"))


def test_a_purchase_order_is_created_listed_and_opened(api, books, item):
    # Given a vendor
    vendor = books.create("contacts", {"contact_name": "Acme Supply", "contact_type": "vendor"})
    # When a purchase order for 4 desks at 80.25 is created and opened
    created = api.post(
        "/purchaseorders",
        json={
            "vendor_id": vendor,
            "delivery_date": "2026-03-20",
            "line_items": [{"item_id": item, "quantity": 4, "rate": "80.25"}],
        },
    )
    order = created.json()["purchaseorder"]
    opened = api.post(f"/purchaseorders/{order['purchaseorder_id']}/status/open")
    listed = api.get("/purchaseorders", params={"status": "open"}).json()["purchaseorders"]
    # Then it answers 201 numbered PO-00001, totals 321.00, and lists as open
    assert created.status_code == 201
    assert order["purchaseorder_number"] == "PO-00001"
    assert Decimal(str(order["total"])) == Decimal("321.00")
    assert order["vendor_name"] == "Acme Supply"
    assert opened.status_code == 200
    assert [o["purchaseorder_id"] for o in listed] == [order["purchaseorder_id"]]


def test_a_purchase_order_needs_a_vendor(api, customer, item):
    # When a purchase order names a customer as its vendor
    answer = api.post(
        "/purchaseorders", json={"vendor_id": customer, "line_items": [{"item_id": item}]}
    )
    # Then Books refuses it
    assert answer.status_code == 400


def test_a_currency_and_its_rates_keep_books_direction(api):
    # Given the organisation's currencies: the base one alone
    base = api.get("/settings/currencies").json()["currencies"]
    # When INR is added with two rates (1 INR = N USD)
    created = api.post(
        "/settings/currencies",
        json={"currency_code": "INR", "currency_symbol": "₹", "currency_format": "1,23,456.78"},
    )
    inr = created.json()["currency"]
    path = f"/settings/currencies/{inr['currency_id']}/exchangerates"
    api.post(path, json={"effective_date": "2026-03-01", "rate": "0.012"})
    added = api.post(path, json={"effective_date": "2026-03-02", "rate": "0.0121"})
    rates = api.get(path).json()["exchange_rates"]
    now = api.get(f"/settings/currencies/{inr['currency_id']}").json()["currency"]
    # Then the base currency is USD, rates list newest first, and INR's rate is the latest
    assert [(c["currency_code"], c["is_base_currency"]) for c in base] == [("USD", True)]
    assert created.status_code == 201
    assert added.status_code == 201
    assert [Decimal(str(r["rate"])) for r in rates] == [Decimal("0.0121"), Decimal("0.012")]
    assert Decimal(str(now["exchange_rate"])) == Decimal("0.0121")
    assert now["effective_date"] == "2026-03-02"


def test_the_base_currency_takes_no_rate(api):
    base = api.get("/settings/currencies").json()["currencies"][0]
    # When a rate is posted for the base currency
    answer = api.post(
        f"/settings/currencies/{base['currency_id']}/exchangerates",
        json={"effective_date": "2026-03-01", "rate": 2},
    )
    # Then Books refuses it
    assert answer.status_code == 400
