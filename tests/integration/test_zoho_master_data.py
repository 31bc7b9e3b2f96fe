"""Zoho CRM <-> Zoho Books master data, in-process: the sandbox's second connection."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sandbox.provisioning import connection_from_sides
from shared.errors import SetupRefusedError
from shared.setup import set_up_connection
from tests.integration.test_outages import SimulatedClock


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


# -- the Notification API channel ------------------------------------------------------------


WATCHED = sorted(["Accounts", "Contacts", "Products", "Vendors", "Deals"])


def _door(world) -> str:
    return f"{world.urls.api}/webhooks/{world.zoho_creds.connection_id}/zoho_crm"


def test_setup_opens_a_channel_and_a_callback_alone_syncs_a_new_account(world):
    # Given the connection as set up: one channel watching each synced CRM module
    rows = world.zoho_crm.channels.listing()
    assert sorted(r["resource_name"] for r in rows) == WATCHED
    assert {r["notify_url"] for r in rows} == {_door(world)}
    assert {r["token"] for r in rows} == {world.zoho_creds.webhook_token}
    # When an account is created in the CRM and the world settles, with no poll
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Callback Co"})
    world.settle()
    # Then the callback alone brought it to Books
    assert [c["contact_name"] for c in world.zoho_books.contacts()] == ["Callback Co"]
    assert world.zoho_crm.channels.delivered[-1]["ids"] == [account]


def test_a_forged_callback_is_refused_and_queues_nothing(world):
    # Given an account, and callbacks naming it with a wrong token and with another channel
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Forged"})
    world.zoho_crm.channels.outbox.clear()
    body = {
        "module": "Accounts",
        "ids": [account],
        "operation": "insert",
        "channel_id": "1000000068001",
        "token": "not-the-token",
    }
    forged = world.http.post(_door(world), json=body)
    other_channel = world.http.post(
        _door(world),
        json={**body, "token": world.zoho_creds.webhook_token, "channel_id": "99"},
    )
    # Then both are refused, and nothing reaches Books
    assert forged.status_code == 403
    assert other_channel.status_code == 403
    world.settle()
    assert world.zoho_books.contacts() == []


def test_a_lapsed_channel_is_opened_again_by_the_job(world):
    # Given the channel lapsed (a day went by without renewal)
    channel = world.zoho_crm.channels.channels["1000000068001"]
    channel.expiry = world.zoho_crm.now() - timedelta(seconds=1)
    assert world.zoho_crm.channels.listing() == []
    # When the pair's scheduled job runs
    world.mirror()
    # Then the channel is open again for a day at most, and callbacks flow again
    rows = world.zoho_crm.channels.listing()
    assert sorted(r["resource_name"] for r in rows) == WATCHED
    world.zoho_crm.insert("Accounts", {"Account_Name": "After renewal"})
    world.settle()
    assert [c["contact_name"] for c in world.zoho_books.contacts()] == ["After renewal"]


def test_a_channel_with_time_left_is_kept_and_one_near_its_end_renewed(world):
    # Given the open channel
    channels = world.zoho_crm.channels.channels
    first = channels["1000000068001"].expiry
    # When the job runs with most of the day left, then again with an hour left
    world.mirror()
    kept = channels["1000000068001"].expiry
    channels["1000000068001"].expiry = world.zoho_crm.now() + timedelta(hours=1)
    world.mirror()
    # Then the first run kept it and the second pushed its expiry out again
    assert kept == first
    assert channels["1000000068001"].expiry > world.zoho_crm.now() + timedelta(hours=20)


def test_books_rate_limit_is_waited_out_and_nothing_is_dead_lettered(world):
    # Given a Books organisation allowing 12 requests a minute (a poll of its four objects
    # takes four and more), and six new CRM accounts
    books = world.zoho_books
    books.rate_limit_per_minute = 12
    for i in range(6):
        world.zoho_crm.insert("Accounts", {"Account_Name": f"Busy {i}"})
    clock = SimulatedClock(world)
    # When they sync while the minute lasts, then on as the minutes pass
    world.poll()
    for _ in range(12):  # a create is two Books calls (the duplicate check, the upsert)
        clock.advance(timedelta(minutes=5))
        world.poll()
    # Then Books said 429 along the way, every account reached it once, none dead-lettered
    assert books.rate_limited > 0
    assert sorted(c["contact_name"] for c in books.contacts()) == [f"Busy {i}" for i in range(6)]
    assert world.dead_letters() == []
    assert world.runtime.outages.paused(world.zoho_creds.connection_id) == []
