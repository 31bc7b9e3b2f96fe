"""Zoho CRM <-> Zoho Books master data, in-process: the sandbox's second connection."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sandbox.provisioning import connection_from_sides
from shared.errors import SetupRefusedError
from shared.setup import set_up_connection


def _custom(row: dict, name: str = "cf_zoho_crm_id") -> str | None:
    return next((f["value"] for f in row["custom_fields"] if f["api_name"] == name), None)


def test_an_account_and_a_product_made_in_the_crm_reach_books_once(world):
    # Given an account and a product created by a CRM user
    crm = world.zoho_crm
    account = crm.insert(
        "Accounts",
        {"Account_Name": "Zylker Traders", "Phone": "+1 555 0100", "Billing_City": "Austin"},
    )
    product = crm.insert(
        "Products",
        {"Product_Name": "Standing desk", "Unit_Price": "420.50", "Product_Code": "SD-1"},
    )
    # When the changes are polled (twice: the second sees only our own writes come back)
    world.poll()
    world.poll()
    # Then Books holds one customer and one item carrying the CRM ids, with the values
    customers = world.zoho_books.contacts()
    assert [(c["contact_name"], c["contact_type"], c["phone"]) for c in customers] == [
        ("Zylker Traders", "customer", "+1 555 0100")
    ]
    assert customers[0]["billing_address"]["city"] == "Austin"
    assert _custom(customers[0]) == account
    items = world.zoho_books.items()
    assert [(i["name"], i["rate"], i["sku"]) for i in items] == [
        ("Standing desk", Decimal("420.50"), "SD-1")
    ]
    assert _custom(items[0]) == product
    # And the CRM records show their Books ids, written without starting CRM workflows
    assert crm.get("Accounts", account)["Zoho_Books_ID"] == customers[0]["contact_id"]
    assert crm.get("Products", product)["Zoho_Books_ID"] == items[0]["item_id"]
    assert crm.workflow_runs == 0


def test_a_vendor_and_an_item_edited_in_books_reach_the_crm_exactly_once(world):
    # Given a vendor and an item made in Books, synced to the CRM
    books = world.zoho_books
    vendor = books.create("contacts", {"contact_name": "Parts Inc", "contact_type": "vendor"})
    item = books.create("items", {"name": "Bolt", "rate": 2})
    world.poll()
    world.poll()
    crm_vendors = world.zoho_crm.records("Vendors")
    assert [(v["Vendor_Name"], v["Zoho_Books_ID"]) for v in crm_vendors] == [("Parts Inc", vendor)]
    # When both are edited in Books
    books.advance_clock(timedelta(seconds=2))
    books.edit("contacts", vendor, {"email": "sales@parts.example", "phone": "555 0199"})
    books.edit("items", item, {"rate": "2.25"})
    world.zoho_crm.calls.clear()
    books.calls.clear()
    world.poll()
    world.poll()
    # Then the CRM vendor and product show the edits, each written once, and nothing was
    # written back to Books
    vendor_row = world.zoho_crm.records("Vendors")[0]
    assert (vendor_row["Email"], vendor_row["Phone"]) == ("sales@parts.example", "555 0199")
    product_row = world.zoho_crm.records("Products")[0]
    assert (product_row["Product_Name"], product_row["Unit_Price"]) == ("Bolt", Decimal("2.25"))
    writes = [(c.op, c.target) for c in world.zoho_crm.calls.writes()]
    assert sorted(writes) == [("update", "Products"), ("update", "Vendors")]
    assert books.calls.writes() == []


def test_a_crm_edit_reaches_books_once_and_its_echo_is_dropped(world):
    # Given a synced account
    crm = world.zoho_crm
    account = crm.insert("Accounts", {"Account_Name": "Acme"})
    world.poll()
    world.poll()
    # When it is renamed in the CRM and both sides are polled twice
    crm.advance_clock(timedelta(seconds=2))
    crm.update("Accounts", account, {"Account_Name": "Acme Corp"})
    world.zoho_books.calls.clear()
    crm.calls.clear()
    world.poll()
    world.poll()
    # Then Books got one update and the CRM none
    assert [(c.op, c.target) for c in world.zoho_books.calls.writes()] == [("update", "contacts")]
    assert world.zoho_books.contacts()[0]["contact_name"] == "Acme Corp"
    assert crm.calls.writes() == []


def test_setup_refuses_a_crm_whose_home_currency_differs_from_books(world):
    # Given a CRM on USD and a Books organisation on INR
    creds = world.zoho_creds
    world.zoho_books.org().currency_code = "INR"
    config, secret = connection_from_sides(creds, creds.sides)
    # When the connection is set up
    # Then it is refused, naming both currencies
    with pytest.raises(SetupRefusedError) as refused:
        set_up_connection(world.runtime, {**config, "connection_id": "zoho-inr"}, secret)
    assert "USD" in refused.value.reason
    assert "INR" in refused.value.reason
