"""Zoho CRM <-> Zoho Books, in-process: CRM Contacts <-> Books contact persons, and the
connection's per-module options (customer module, list views, on_conflict)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.models.events import RecordRef
from shared.pacing import Pacer
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.state.paces import PaceStore


def _configure(world, **options: Any) -> None:
    """Change the Zoho connection's options, as an operator would."""
    connections = world.runtime.connections
    current = connections.get(world.zoho_creds.connection_id)
    connections.put(ZohoCrmBooksConnection.model_validate({**current.model_dump(), **options}))


def _persons(world, contact_id: str) -> list[dict[str, Any]]:
    contact = next(c for c in world.zoho_books.contacts() if c["contact_id"] == contact_id)
    return contact["contact_persons"]


def _synced_account(world, name: str) -> tuple[str, str]:
    account = world.zoho_crm.insert("Accounts", {"Account_Name": name})
    world.poll()
    customer = world.zoho_crm.get("Accounts", account)["Zoho_Books_ID"]
    return account, customer


# -- Contacts <-> contact persons ----------------------------------------------------------


def test_an_account_and_two_contacts_become_one_customer_with_two_contact_persons(world):
    # Given an account with two contacts, created in the CRM
    crm = world.zoho_crm
    account = crm.insert("Accounts", {"Account_Name": "Zylker"})
    ada = crm.insert(
        "Contacts",
        {"Last_Name": "Lovelace", "First_Name": "Ada", "Email": "ada@zylker.test",
         "Account_Name": {"id": account}},
    )  # fmt: skip
    alan = crm.insert(
        "Contacts", {"Last_Name": "Turing", "Title": "Engineer", "Account_Name": {"id": account}}
    )
    # When the changes are polled (the second poll sees only our own writes come back)
    world.poll()
    world.poll()
    # Then Books has one customer whose two contact persons carry the contacts' values
    customers = world.zoho_books.contacts()
    assert [c["contact_name"] for c in customers] == ["Zylker"]
    persons = customers[0]["contact_persons"]
    assert sorted(
        (p["first_name"] or "", p["last_name"], p["email"] or "", p["designation"] or "")
        for p in persons
    ) == [
        ("", "Turing", "", "Engineer"),
        ("Ada", "Lovelace", "ada@zylker.test", ""),
    ]  # fmt: skip
    # And each CRM contact shows its person's key, <customer id>/<person id>
    by_last = {p["last_name"]: p["contact_person_id"] for p in persons}
    cid = customers[0]["contact_id"]
    assert crm.get("Contacts", ada)["Zoho_Books_ID"] == f"{cid}/{by_last['Lovelace']}"
    assert crm.get("Contacts", alan)["Zoho_Books_ID"] == f"{cid}/{by_last['Turing']}"
    assert world.dead_letters() == []


def test_a_contact_edit_reaches_its_person_once_and_a_person_edit_its_contact_once(world):
    # Given a synced account with one synced contact
    crm, books = world.zoho_crm, world.zoho_books
    account, customer = _synced_account(world, "Acme")
    contact = crm.insert(
        "Contacts",
        {"Last_Name": "Hopper", "Email": "grace@acme.test", "Account_Name": {"id": account}},
    )
    world.poll()
    world.poll()
    person_id = _persons(world, customer)[0]["contact_person_id"]
    # When the contact's phone is changed in the CRM
    crm.advance_clock(timedelta(seconds=2))
    crm.update("Contacts", contact, {"Phone": "555 0101"})
    books.calls.clear()
    crm.calls.clear()
    world.poll()
    world.poll()
    # Then Books got one update of the person, and the CRM nothing back
    assert [(c.op, c.target) for c in books.calls.writes()] == [("update", "contactpersons")]
    assert _persons(world, customer)[0]["phone"] == "555 0101"
    assert crm.calls.writes() == []
    # When the person's designation is changed in Books
    books.advance_clock(timedelta(seconds=2))
    books.edit_person(person_id, {"designation": "Admiral"})
    books.calls.clear()
    crm.calls.clear()
    world.poll()
    world.poll()
    # Then the CRM contact has it, written once, and nothing went back to Books
    assert crm.get("Contacts", contact)["Title"] == "Admiral"
    assert [(c.op, c.target) for c in crm.calls.writes()] == [("update", "Contacts")]
    assert books.calls.writes() == []


def test_a_person_added_in_books_becomes_a_contact_of_the_linked_account(world):
    # Given a synced account
    account, customer = _synced_account(world, "Initech")
    world.poll()
    # When a Books user adds a contact person to its customer
    world.zoho_books.add_person(customer, {"first_name": "Peter", "last_name": "Gibbons"})
    world.poll()
    world.poll()
    # Then the CRM has the contact, under the account, showing the person's key
    contacts = world.zoho_crm.records("Contacts")
    assert [(c["First_Name"], c["Last_Name"]) for c in contacts] == [("Peter", "Gibbons")]
    assert contacts[0]["Account_Name"]["id"] == account
    person_id = _persons(world, customer)[0]["contact_person_id"]
    assert contacts[0]["Zoho_Books_ID"] == f"{customer}/{person_id}"
    assert len(_persons(world, customer)) == 1


def test_a_contact_without_an_account_does_not_sync(world):
    # Given a CRM contact of no account
    world.zoho_crm.insert("Contacts", {"Last_Name": "Loner"})
    # When the changes are polled
    world.poll()
    # Then nothing reached Books and nothing was dead-lettered
    assert world.zoho_books.contacts() == []
    assert world.dead_letters() == []


# -- on_conflict: a duplicate already in Books --------------------------------------------


def _books_customer(world, name: str) -> str:
    return world.zoho_books.create(
        "contacts", {"contact_name": name, "contact_type": "customer", "phone": "111"}
    )


def test_overwrite_links_the_duplicate_and_gives_it_the_crm_values(world):
    # Given on_conflict overwrite (the default), and a CRM-only duplicate in Books
    _configure(world, erp_polled_objects=("vendors", "items"))  # Books' own customers unseen
    existing = _books_customer(world, "Globex")
    # When a CRM account of the same name syncs
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Globex", "Phone": "222"})
    world.poll()
    world.poll()
    # Then no second customer was made: the existing one has the CRM values and is linked
    customers = world.zoho_books.contacts()
    assert [(c["contact_id"], c["phone"]) for c in customers] == [(existing, "222")]
    assert world.zoho_crm.get("Accounts", account)["Zoho_Books_ID"] == existing


def test_clone_makes_a_new_customer_and_leaves_the_duplicate_as_it_is(world):
    # Given on_conflict clone, and a duplicate in Books
    _configure(
        world, erp_polled_objects=("vendors", "items"), on_conflict={"account_customer": "clone"}
    )
    existing = _books_customer(world, "Globex")
    # When a CRM account of the same name syncs
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Globex", "Phone": "222"})
    world.poll()
    world.poll()
    # Then Books has two customers of that name: the old one untouched, the new one linked
    customers = {c["contact_id"]: c for c in world.zoho_books.contacts()}
    assert len(customers) == 2
    assert customers[existing]["phone"] == "111"
    new_id = world.zoho_crm.get("Accounts", account)["Zoho_Books_ID"]
    assert new_id != existing
    assert customers[new_id]["phone"] == "222"


def test_skip_writes_nothing_and_lists_the_record_with_the_reason(world):
    # Given on_conflict skip, and a duplicate in Books
    _configure(
        world, erp_polled_objects=("vendors", "items"), on_conflict={"account_customer": "skip"}
    )
    existing = _books_customer(world, "Globex")
    world.zoho_books.calls.clear()
    # When a CRM account of the same name syncs
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Globex", "Phone": "222"})
    world.poll()
    # Then nothing was written to Books, the account shows no Books id
    assert world.zoho_books.calls.writes() == []
    assert [c["phone"] for c in world.zoho_books.contacts()] == ["111"]
    assert not world.zoho_crm.get("Accounts", account).get("Zoho_Books_ID")
    # And the record is listed as skipped, with the Books record it met, in the audit trail,
    # not dead-lettered
    ref = RecordRef(system="zoho_crm", object="Accounts", record_id=account)
    trail = world.runtime.audit.history(world.zoho_creds.connection_id, ref)
    reasons = [e.detail.get("reason", "") for e in trail if e.action == "skipped"]
    assert any(existing in r and "skipped" in r for r in reasons)
    assert world.dead_letters() == []


def test_overwrite_of_a_contact_person_adopts_the_person_of_the_same_email(world):
    # Given a synced account whose Books customer already has a person with an email, which
    # the connection has not seen (Books' persons are not polled)
    _configure(world, erp_polled_objects=("customers", "vendors", "items"))
    account, customer = _synced_account(world, "Hooli")
    world.zoho_books.add_person(customer, {"last_name": "Belson", "email": "gavin@hooli.test"})
    # When a CRM contact with the same email is made under the account and synced
    contact = world.zoho_crm.insert(
        "Contacts",
        {"Last_Name": "Belson", "First_Name": "Gavin", "Email": "gavin@hooli.test",
         "Account_Name": {"id": account}},
    )  # fmt: skip
    world.poll()
    world.poll()
    # Then the customer still has one person, given the CRM's first name, linked to the contact
    persons = _persons(world, customer)
    assert [(p["first_name"], p["email"]) for p in persons] == [("Gavin", "gavin@hooli.test")]
    assert world.zoho_crm.get("Contacts", contact)["Zoho_Books_ID"] == (
        f"{customer}/{persons[0]['contact_person_id']}"
    )
    assert len(world.zoho_crm.records("Contacts")) == 1


# -- list views ------------------------------------------------------------------------------

HOT = {
    "group_operator": "or",
    "group": [
        {"comparator": "equal", "field": {"api_name": "Rating"}, "value": "Hot"},
        {
            "group_operator": "and",
            "group": [
                {"comparator": "equal", "field": {"api_name": "Account_Type"}, "value": "Customer"},
                {
                    "comparator": "greater_than",
                    "field": {"api_name": "Annual_Revenue"},
                    "value": "1000000",
                },
            ],
        },
    ],
}


def test_a_list_view_keeps_a_record_out_and_lets_it_in_when_it_enters(world):
    # Given a connection syncing only the accounts of a list view (hot, or big customers)
    _configure(world, list_views={"account_customer": HOT})
    crm = world.zoho_crm
    cold = crm.insert("Accounts", {"Account_Name": "Cold Co", "Rating": "Cold"})
    small = crm.insert(
        "Accounts", {"Account_Name": "Small Co", "Account_Type": "Customer", "Annual_Revenue": 5000}
    )
    big = crm.insert(
        "Accounts",
        {"Account_Name": "Big Co", "Account_Type": "Customer", "Annual_Revenue": 2500000},
    )
    # When the changes are polled
    world.poll()
    # Then only the account in the view reached Books
    assert [c["contact_name"] for c in world.zoho_books.contacts()] == ["Big Co"]
    assert crm.get("Accounts", big)["Zoho_Books_ID"]
    # When the cold account turns hot
    crm.advance_clock(timedelta(seconds=2))
    crm.update("Accounts", cold, {"Rating": "Hot"})
    world.poll()
    # Then it enters the view and syncs; the small one stays out
    assert sorted(c["contact_name"] for c in world.zoho_books.contacts()) == ["Big Co", "Cold Co"]
    assert not crm.get("Accounts", small).get("Zoho_Books_ID")


def test_a_record_leaving_the_view_stops_syncing_and_keeps_its_link(world):
    # Given a synced account in the view
    _configure(world, list_views={"account_customer": HOT})
    crm = world.zoho_crm
    account = crm.insert("Accounts", {"Account_Name": "Hot Co", "Rating": "Hot"})
    world.poll()
    customer = crm.get("Accounts", account)["Zoho_Books_ID"]
    # When it leaves the view and is edited
    crm.advance_clock(timedelta(seconds=2))
    crm.update("Accounts", account, {"Rating": "Cold", "Phone": "555 0000"})
    world.poll()
    # Then Books did not get the edit, and nothing was deleted
    row = next(c for c in world.zoho_books.contacts() if c["contact_id"] == customer)
    assert row.get("phone", "") in ("", None)
    # When it comes back into the view with another edit
    crm.advance_clock(timedelta(seconds=2))
    crm.update("Accounts", account, {"Rating": "Hot", "Website": "https://hot.test"})
    world.poll()
    # Then it syncs again, to the same Books customer (its link was kept), with what changed
    # while it was out of the view too
    rows = world.zoho_books.contacts()
    assert [(c["contact_id"], c["website"], c["phone"]) for c in rows] == [
        (customer, "https://hot.test", "555 0000")
    ]


# -- Contacts as the customer module ---------------------------------------------------------


def test_contacts_as_the_customer_module_become_books_customers(world):
    # Given a connection whose customer module is Contacts
    _configure(world, customer_module="Contacts")
    connection = world.runtime.connections.get(world.zoho_creds.connection_id)
    assert connection.crm_polled_objects == ("Contacts", "Vendors", "Products")
    assert "contact_persons" not in connection.erp_polled_objects
    crm = world.zoho_crm
    # When an account and a contact are created in the CRM
    crm.insert("Accounts", {"Account_Name": "Not Synced Inc"})
    contact = crm.insert(
        "Contacts", {"First_Name": "Jane", "Last_Name": "Doe", "Email": "jane@doe.test"}
    )
    world.poll()
    world.poll()
    # Then the contact is a Books customer (named by first and last names); the account is not
    customers = world.zoho_books.contacts()
    assert [(c["contact_name"], c["email"], c["contact_persons"]) for c in customers] == [
        ("Jane Doe", "jane@doe.test", [])
    ]
    assert crm.get("Contacts", contact)["Zoho_Books_ID"] == customers[0]["contact_id"]


# -- Books calls paced per organisation ------------------------------------------------------


def test_books_calls_are_paced_under_the_organisations_limit_so_books_never_says_429(world):
    # Given a Books organisation allowing 12 requests a minute, the connection knowing it, and
    # containers pacing their Books calls together on the state table (on Books' clock)
    books = world.zoho_books
    books.rate_limit_per_minute = 12
    connection = world.runtime.connections.get(world.zoho_creds.connection_id)
    erp = {**connection.erp.model_dump(), "requests_per_minute": 12}
    _configure(world, erp=erp)
    world.runtime.pacer = Pacer(
        PaceStore(world.runtime.table),
        clock=lambda: books.now().timestamp(),
        sleep=lambda s: books.advance_clock(timedelta(seconds=s)),
        max_wait_s=30,
    )
    start = books.now()
    # When six accounts made in the CRM sync (each create two Books calls), with the polls
    for i in range(6):
        world.zoho_crm.insert("Accounts", {"Account_Name": f"Paced {i}"})
    world.poll()
    world.poll()
    # Then every account reached Books once, Books never answered 429, and the calls were
    # spread over Books' minutes instead
    assert sorted(c["contact_name"] for c in books.contacts()) == [f"Paced {i}" for i in range(6)]
    assert books.rate_limited == 0
    assert books.now() - start > timedelta(minutes=1)
    assert world.dead_letters() == []


# -- on_conflict with a record changed on both sides since the last sync -------------------


def _changed_on_both_sides(world, choice: str) -> tuple[str, str]:
    """A synced account whose phone is then changed in the CRM (333) and in Books (444),
    before ledgerlink sees either; its on_conflict is ``choice``. (account, customer)."""
    _configure(world, on_conflict={"account_customer": choice})
    account, customer = _synced_account(world, "Initech")
    world.poll()
    for emulator in (world.zoho_crm, world.zoho_books):
        emulator.advance_clock(timedelta(seconds=5))
    world.zoho_crm.update("Accounts", account, {"Phone": "333"})
    world.zoho_books.edit("contacts", customer, {"phone": "444"})
    world.poll()
    world.poll()
    return account, customer


def _customer(world, contact_id: str) -> dict[str, Any]:
    return next(c for c in world.zoho_books.contacts() if c["contact_id"] == contact_id)


def test_overwrite_on_both_sides_changed_gives_books_the_crm_values(world):
    # Given on_conflict overwrite and a phone changed on both sides
    account, customer = _changed_on_both_sides(world, "overwrite")
    # Then both show the CRM's value
    assert _customer(world, customer)["phone"] == "333"
    assert world.zoho_crm.get("Accounts", account)["Phone"] == "333"


def test_skip_on_both_sides_changed_writes_nothing_and_lists_the_record(world):
    # Given on_conflict skip and a phone changed on both sides
    account, customer = _changed_on_both_sides(world, "skip")
    # Then each side keeps its own value
    assert _customer(world, customer)["phone"] == "444"
    assert world.zoho_crm.get("Accounts", account)["Phone"] == "333"
    # And the audit trail lists the record as skipped, naming the fields
    ref = RecordRef(system="zoho_crm", object="Accounts", record_id=account)
    books_ref = RecordRef(system="zoho_books", object="customers", record_id=customer)
    trail = [
        *world.runtime.audit.history(world.zoho_creds.connection_id, ref),
        *world.runtime.audit.history(world.zoho_creds.connection_id, books_ref),
    ]
    skipped = [e for e in trail if e.action == "skipped"]
    assert skipped
    assert "changed on both sides" in skipped[0].detail["reason"]
    assert "phone" in skipped[0].detail["reason"].lower()


def test_clone_on_both_sides_changed_makes_a_new_customer_and_sets_the_old_aside(world):
    # Given on_conflict clone and a phone changed on both sides
    account, customer = _changed_on_both_sides(world, "clone")
    # Then the old customer keeps Books' value and is no longer the account's counterpart
    old = _customer(world, customer)
    assert old["phone"] == "444"
    new_id = world.zoho_crm.get("Accounts", account)["Zoho_Books_ID"]
    assert new_id != customer
    assert _customer(world, new_id)["phone"] == "333"
    # And a later edit of the old customer is not synced: no second CRM account appears
    world.zoho_books.advance_clock(timedelta(seconds=5))
    world.zoho_books.edit("contacts", customer, {"phone": "555"})
    world.poll()
    world.poll()
    names = [a["Account_Name"] for a in world.zoho_crm.records("Accounts")]
    assert names.count("Initech") == 1
    assert world.zoho_crm.get("Accounts", account)["Phone"] == "333"


def test_our_own_books_copy_seen_before_its_link_waits_for_it(world):
    # Given a CRM account whose create in Books is under way: its pending link saved, the
    # Books customer made (carrying the account's id), the link not saved yet
    from shared.errors import LinkPendingError
    from shared.mapping.fields import Side
    from shared.models.events import ChangeEvent
    from shared.models.links import SideState, SyncLink

    connection = world.runtime.connections.get(world.zoho_creds.connection_id)
    account = world.zoho_crm.insert("Accounts", {"Account_Name": "Racing Co"})
    crm_ref = RecordRef(system="zoho_crm", object="Accounts", record_id=account)
    world.runtime.links.save(
        SyncLink(
            connection_id=connection.connection_id,
            mapping="account_customer",
            status="pending",
            origin=Side.CRM,
            home=Side.CRM,
            crm=SideState(ref=crm_ref),
        )
    )
    customer = world.zoho_books.create(
        "contacts",
        {
            "contact_name": "Racing Co",
            "contact_type": "customer",
            "custom_fields": [{"api_name": "cf_zoho_crm_id", "value": account}],
        },
    )
    # When the Books poll's event of that customer is applied
    event = ChangeEvent(
        connection_id=connection.connection_id,
        ref=RecordRef(system="zoho_books", object="customers", record_id=customer),
        source="poll",
    )
    # Then it waits for the link (to be retried), and no account is copied back to the CRM
    with pytest.raises(LinkPendingError, match="being linked"):
        world.runtime.engine(connection).apply(event)
    assert [a["Account_Name"] for a in world.zoho_crm.records("Accounts")] == ["Racing Co"]
