"""Zoho CRM callbacks of ledgerlink's own writes are acknowledged at the door and queue
nothing; a person's change still reaches Books (shared/ingest/known_changes.py)."""

from __future__ import annotations

from datetime import timedelta

from shared.topology import CHANGES, consumer_of

WORKER = consumer_of(CHANGES.key).name


def _accepted(world) -> int:
    return world.metrics.counts["WebhookAccepted"]


def _delivered(world, operation: str) -> list[dict]:
    return [c for c in world.zoho_crm.channels.delivered if c["operation"] == operation]


def test_the_callback_of_our_books_id_on_a_new_account_queues_nothing(world):
    # Given an account created by a CRM user
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Door Co", "Phone": "1"})
    # When its callback brings it to Books and the world settles
    world.settle()
    # Then the CRM called back twice (the person's insert, our write of the Books id with its
    # value), and only the insert was queued
    customer = world.zoho_books.contacts()[0]["contact_id"]
    (update,) = _delivered(world, "update")
    assert update["affected_values"] == [
        {"record_id": account, "values": {"Zoho_Books_ID": customer}}
    ]
    assert len(_delivered(world, "insert")) == 1
    assert _accepted(world) == 1


def test_a_persons_edit_after_our_write_still_reaches_books(world):
    # Given an account synced by its callback
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Edit Co", "Phone": "1"})
    world.settle()
    accepted = _accepted(world)
    # When a CRM user changes its phone, and later sets it back to what was synced first
    world.zoho_crm.advance_clock(timedelta(seconds=2))
    world.zoho_crm.update("Accounts", account, {"Phone": "2"})
    world.settle()
    phone_after_edit = world.zoho_books.contacts()[0]["phone"]
    world.zoho_crm.advance_clock(timedelta(seconds=2))
    world.zoho_crm.update("Accounts", account, {"Phone": "1"})
    world.settle()
    # Then both edits were queued and reached Books
    assert _accepted(world) == accepted + 2
    assert phone_after_edit == "2"
    assert world.zoho_books.contacts()[0]["phone"] == "1"


def test_a_product_made_and_edited_from_books_costs_one_message_each(world):
    # Given an item made in Books
    books = world.zoho_books
    item = books.create("items", {"name": "Door bolt", "rate": "2.00"})
    # When it is polled to the CRM, then edited in Books and polled again
    world.poll()
    world.settle()
    created_callbacks = len(_delivered(world, "insert"))
    books.advance_clock(timedelta(seconds=2))
    books.edit("items", item, {"rate": "2.50"})
    world.poll()
    world.settle()
    # Then the CRM product shows the edit, the CRM called back for our create and our
    # update, and none of those callbacks was queued
    (product,) = world.zoho_crm.records("Products")
    assert str(product["Unit_Price"]) == "2.50"
    assert created_callbacks == 1
    assert len(_delivered(world, "update")) >= 1
    assert _accepted(world) == 0


def test_an_account_and_its_contact_made_together_sync_in_one_invocation(world):
    # Given an account and its contact created together by a CRM user
    crm = world.zoho_crm
    account = crm.insert("Accounts", {"Account_Name": "Wave Co"})
    contact = crm.insert("Contacts", {"Last_Name": "Wave", "Account_Name": {"id": account}})
    # When their callbacks are delivered and the world settles
    world.settle()
    # Then one worker invocation synced both (the contact after its account, in the same
    # batch, reading the account's new Books id), and the contact shows its person's key
    customer = world.zoho_books.contacts()[0]["contact_id"]
    assert world.runner.invocations[WORKER] == 1
    assert crm.get("Contacts", contact)["Zoho_Books_ID"].startswith(f"{customer}/")
