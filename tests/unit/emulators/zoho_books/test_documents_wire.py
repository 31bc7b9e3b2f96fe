"""The Books emulator's estimates, sales orders and invoices speak Books' documented wire."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sandbox.emulators.zoho_books import ZohoBooksEmulator


@pytest.fixture
def customer(books: ZohoBooksEmulator) -> str:
    return books.create("contacts", {"contact_name": "Bowman", "email": "ap@bowman.example"})


@pytest.fixture
def item(books: ZohoBooksEmulator) -> str:
    return books.create("items", {"name": "Desk", "rate": "120.50"})


def test_an_invoice_is_created_with_totals_computed_from_its_lines(api, customer, item):
    # Given an invoice for two lines, one at the item's own rate
    body = {
        "customer_id": customer,
        "reference_number": "deal-42",
        "due_date": "2026-04-01",
        "line_items": [
            {"item_id": item, "quantity": 3},
            {"item_id": item, "quantity": "0.5", "rate": 10.1},
        ],
    }
    # When it is posted
    made = api.post("/invoices", json=body)
    # Then Books answers 201 with the invoice, a draft whose total and balance sum the lines
    assert made.status_code == 201
    answer = made.json()
    assert (answer["code"], answer["message"]) == (0, "The invoice has been created.")
    invoice = answer["invoice"]
    assert invoice["status"] == "draft"
    assert invoice["invoice_number"] == "INV-000001"
    assert [line["item_total"] for line in invoice["line_items"]] == [361.5, 5.05]
    assert Decimal(str(invoice["total"])) == Decimal("366.55")
    assert invoice["balance"] == invoice["total"]
    assert (invoice["customer_name"], invoice["currency_code"]) == ("Bowman", "USD")
    assert (invoice["date"], invoice["due_date"]) == ("2026-03-02", "2026-04-01")
    assert invoice["last_modified_time"] == "2026-03-02T09:30:00+0000"


def test_invoices_are_listed_by_reference_number(api, customer, item):
    # Given two invoices with different references
    for ref in ("deal-1", "deal-2"):
        api.post(
            "/invoices",
            json={
                "customer_id": customer,
                "reference_number": ref,
                "line_items": [{"item_id": item}],
            },
        )
    # When the list is asked for one reference
    listed = api.get("/invoices", params={"reference_number": "DEAL-2"}).json()
    # Then only that invoice comes back, with a page context
    assert [i["reference_number"] for i in listed["invoices"]] == ["deal-2"]
    assert listed["page_context"]["has_more_page"] is False


def test_an_invoice_is_sent_then_voided_and_a_void_one_is_not_edited(api, customer, item, books):
    # Given a draft invoice
    invoice = api.post(
        "/invoices", json={"customer_id": customer, "line_items": [{"item_id": item}]}
    ).json()["invoice"]
    path = f"/invoices/{invoice['invoice_id']}"
    # When it is marked sent, then void
    sent = api.post(f"{path}/status/sent")
    void = api.post(f"{path}/status/void")
    # Then each change is answered code 0 and the invoice reads void with no balance
    assert sent.json() == {"code": 0, "message": "Invoice status has been changed to sent."}
    assert void.json()["code"] == 0
    read = api.get(path).json()["invoice"]
    assert (read["status"], read["balance"]) == ("void", 0)
    # And an edit of the void invoice is refused
    edit = api.put(path, json={"reference_number": "x"})
    assert edit.status_code == 400
    assert edit.json()["code"] != 0


def test_an_estimate_is_accepted_only_after_it_is_sent(api, customer, item):
    # Given a draft estimate
    estimate = api.post(
        "/estimates", json={"customer_id": customer, "line_items": [{"item_id": item}]}
    ).json()["estimate"]
    path = f"/estimates/{estimate['estimate_id']}"
    assert estimate["estimate_number"] == "EST-00001"
    # When it is marked accepted while a draft, then sent, then accepted, then declined
    early = api.post(f"{path}/status/accepted")
    api.post(f"{path}/status/sent")
    accepted = api.post(f"{path}/status/accepted")
    declined = api.post(f"{path}/status/declined")
    # Then the draft refused, the others took, and it reads declined
    assert early.status_code == 400
    assert accepted.json()["message"] == "Estimate status has been changed to accepted."
    assert declined.status_code == 200
    assert api.get(path).json()["estimate"]["status"] == "declined"


def test_a_draft_estimate_is_updated_and_its_total_recomputed(api, customer, item):
    # Given a draft estimate of one desk
    estimate = api.post(
        "/estimates", json={"customer_id": customer, "line_items": [{"item_id": item}]}
    ).json()["estimate"]
    # When its lines are replaced by four desks at 100
    updated = api.put(
        f"/estimates/{estimate['estimate_id']}",
        json={"line_items": [{"item_id": item, "quantity": 4, "rate": 100}]},
    )
    # Then it answers the new total
    assert updated.json()["message"] == "Estimate information has been updated."
    assert updated.json()["estimate"]["total"] == 400


def test_emailing_an_invoice_sends_it_to_the_customer_and_marks_it_sent(api, customer, item, books):
    # Given a draft invoice for a customer with an email
    invoice = api.post(
        "/invoices", json={"customer_id": customer, "line_items": [{"item_id": item}]}
    ).json()["invoice"]
    # When it is emailed with no addresses given
    sent = api.post(f"/invoices/{invoice['invoice_id']}/email", json={})
    # Then it went to the customer's email and reads sent
    assert sent.json() == {"code": 0, "message": "Your invoice has been sent."}
    assert books.sales_documents().emails[0]["to_mail_ids"] == ["ap@bowman.example"]
    assert api.get(f"/invoices/{invoice['invoice_id']}").json()["invoice"]["status"] == "sent"


def test_a_sales_order_opens_and_voids(api, customer, item):
    # Given a draft sales order
    order = api.post(
        "/salesorders", json={"customer_id": customer, "line_items": [{"item_id": item}]}
    ).json()["salesorder"]
    path = f"/salesorders/{order['salesorder_id']}"
    # When it is opened, then voided
    opened = api.post(f"{path}/status/open")
    voided = api.post(f"{path}/status/void")
    # Then both are taken and it reads void
    assert (opened.status_code, voided.status_code) == (200, 200)
    assert api.get(path).json()["salesorder"]["status"] == "void"


def test_a_document_for_an_unknown_customer_or_item_is_refused(api, item):
    # Given no such customer, and an empty line list
    nobody = api.post("/invoices", json={"customer_id": "1", "line_items": [{"item_id": item}]})
    # Then each is a 400 with a non-zero code
    assert nobody.status_code == 400
    assert nobody.json()["code"] == 4
    assert api.get("/invoices/460000999999999").json()["code"] == 1002


def test_a_foreign_currency_invoice_keeps_its_exchange_rate(api, customer, item):
    # Given an invoice in EUR at 1 EUR = 1.0825 USD
    made = api.post(
        "/invoices",
        json={
            "customer_id": customer,
            "currency_code": "EUR",
            "exchange_rate": "1.0825",
            "line_items": [{"item_id": item}],
        },
    ).json()["invoice"]
    # Then it reads back with that currency and rate
    assert (made["currency_code"], made["exchange_rate"]) == ("EUR", 1.0825)
