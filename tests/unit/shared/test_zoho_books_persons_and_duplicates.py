"""The Zoho Books connector's contact persons (one object keyed ``<contact>/<person>``) and
what a create does on meeting its duplicate (clone / overwrite / skip), against the emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from shared.connectors.base import RetrySettings, Write
from shared.connectors.registry import system
from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_books.contact_persons import MATCH_FIELD, ParentNotInBooksError
from shared.connectors.zoho_books.duplicates import DuplicateSkippedError
from shared.models.records import WriteResult

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CRM_ID = "custom_fields.cf_zoho_crm_id"


@pytest.fixture
def books() -> ZohoBooksEmulator:
    return ZohoBooksEmulator(clock=lambda: START)


def _connector(books: ZohoBooksEmulator, **on_duplicate: str) -> ZohoBooksConnector:
    side = books.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    plugin = system("zoho_books")
    raw: dict[str, Any] = {"system": "zoho_books", **side.settings, "on_duplicate": on_duplicate}
    settings = plugin.settings(raw, "t")
    http = httpx.Client(transport=httpx.WSGITransport(app=books.wsgi_app))
    retry = RetrySettings(attempts=2, sleep=lambda s: None)
    connector = plugin.connector(http, settings, plugin.secrets(side.secrets, "t"), retry)
    assert isinstance(connector, ZohoBooksConnector)
    return connector


def _customer(books: ZohoBooksEmulator, name: str, **extra: Any) -> str:
    return books.create("contacts", {"contact_name": name, "contact_type": "customer", **extra})


def _person_create(contact_id: str, last: str, email: str = "", crm: str = "c1") -> Write:
    fields = {"contact_id": contact_id, "last_name": last, "email": email, MATCH_FIELD: crm}
    return Write(fields, f"k-{last}", external_key=(MATCH_FIELD, crm))


# -- contact persons ---------------------------------------------------------------------------


def test_persons_of_one_customer_are_read_in_one_call_with_the_customers_stamp(books):
    # Given a customer with three persons and another customer with one
    connector = _connector(books)
    first, second = _customer(books, "First"), _customer(books, "Second")
    ids = [books.add_person(first, {"last_name": f"P{i}"}) for i in range(3)]
    other = books.add_person(second, {"last_name": "Q"})
    connector.check_access()
    books.calls.clear()
    # When two persons of the first and the one of the second are read together
    keys = [f"{first}/{ids[0]}", f"{first}/{ids[2]}", f"{second}/{other}", "junk", f"{first}/9"]
    records = connector.fetch_many("contact_persons", keys, ["last_name"])
    # Then one read per customer answered the three that exist, with their customer and stamp
    assert books.calls.count("read", "contacts") == 2
    assert sorted(r.key for r in records) == sorted(keys[:3])
    assert {r.get("contact_id") for r in records} == {first, second}
    assert all(r.modified_at is not None for r in records)


def test_a_persons_changes_come_from_its_customers_changes(books):
    # Given two customers with a person each, and a vendor with one
    connector = _connector(books)
    a, b = _customer(books, "A"), _customer(books, "B")
    books.add_person(a, {"last_name": "Ann"})
    books.add_person(b, {"last_name": "Bob"})
    vendor = books.create("contacts", {"contact_name": "V", "contact_type": "vendor"})
    books.add_person(vendor, {"last_name": "Vic"})
    # When the persons changed since the start are listed
    records = list(connector.changed_since("contact_persons", START, [], 200))
    # Then they are the customers' persons only, keyed by customer and person
    assert sorted(r.get("last_name") for r in records) == ["Ann", "Bob"]
    assert all(r.key.startswith((f"{a}/", f"{b}/")) for r in records)


def test_creates_of_one_customer_share_one_read_and_a_lost_create_is_found_again(books):
    # Given a customer already holding a person (a create whose answer was lost)
    connector = _connector(books)
    customer = _customer(books, "Acme")
    lost = books.add_person(customer, {"last_name": "Lost", "email": "lost@acme.test"})
    connector.check_access()
    books.calls.clear()
    # When that person is written again with two new ones, and one of no customer
    answers = connector.write_many(
        "contact_persons",
        [
            _person_create(customer, "Lost", "LOST@acme.test", "c1"),
            _person_create(customer, "New", "new@acme.test", "c2"),
            _person_create(customer, "Nameless", "", "c3"),
            _person_create("", "Orphan", "", "c4"),
        ],
    )
    # Then one read of the customer's persons served the three creates; the lost one was
    # updated in place, the others made; the orphan waits for its customer
    assert books.calls.count("list", "contactpersons") == 1
    assert answers[0] == WriteResult(key=f"{customer}/{lost}")
    assert isinstance(answers[1], WriteResult)
    assert answers[1].created
    assert isinstance(answers[2], WriteResult)
    assert answers[2].created
    assert isinstance(answers[3], ParentNotInBooksError)
    persons = books.contacts()[0]["contact_persons"]
    assert sorted(p["last_name"] for p in persons) == ["Lost", "Nameless", "New"]


def test_an_update_of_a_person_is_one_call_and_never_sends_the_source_key(books):
    # Given a person
    connector = _connector(books)
    customer = _customer(books, "Acme")
    person = books.add_person(customer, {"last_name": "Old"})
    connector.check_access()
    books.calls.clear()
    # When it is updated
    key = f"{customer}/{person}"
    answers = connector.write_many(
        "contact_persons", [Write({"last_name": "New", MATCH_FIELD: "x"}, "k", key=key)]
    )
    # Then one call wrote it
    assert answers == [WriteResult(key=key)]
    assert books.calls.count() == 1
    assert books.contacts()[0]["contact_persons"][0]["last_name"] == "New"


def test_skip_refuses_a_person_meeting_its_duplicate_and_clone_makes_another(books):
    # Given a customer whose person has the email a CRM contact brings
    skipping, cloning = (
        _connector(books, contact_persons="skip"),
        _connector(books, contact_persons="clone"),
    )
    customer = _customer(books, "Acme")
    books.add_person(customer, {"last_name": "Twin", "email": "twin@acme.test"})
    # When it is written under skip, then under clone
    skipped = skipping.write_many(
        "contact_persons", [_person_create(customer, "Twin", "twin@acme.test")]
    )
    cloned = cloning.write_many(
        "contact_persons", [_person_create(customer, "Twin", "twin@acme.test")]
    )
    # Then skip wrote nothing and said why; clone made a second person
    assert isinstance(skipped[0], DuplicateSkippedError)
    assert "skipped" in skipped[0].reason
    assert isinstance(cloned[0], WriteResult)
    assert cloned[0].created
    assert len(books.contacts()[0]["contact_persons"]) == 2


# -- duplicates of customers and items ------------------------------------------------------------


def _create(connector: ZohoBooksConnector, obj: str, fields: dict[str, Any], crm: str) -> Any:
    return connector.write_many(
        obj, [Write({**fields, CRM_ID: crm}, f"k{crm}", external_key=(CRM_ID, crm))]
    )[0]


def test_overwrite_gives_the_unowned_duplicate_the_crm_values(books):
    # Given a customer of the name, owned by no CRM record, and one owned by another
    connector = _connector(books)
    owned = _customer(books, "Globex", custom_fields=[{"api_name": "cf_zoho_crm_id", "value": "9"}])
    free = _customer(books, "Globex")
    # When a CRM account of that name is created under the default (overwrite)
    answer = _create(connector, "customers", {"contact_name": "Globex", "phone": "222"}, "42")
    # Then the free one is its counterpart, with its values and the CRM id; no new customer
    assert answer == WriteResult(key=free)
    rows = {c["contact_id"]: c for c in books.contacts()}
    assert len(rows) == 2
    assert rows[free]["phone"] == "222"
    assert rows[free]["custom_fields"][0]["value"] == "42"
    assert rows[owned]["custom_fields"][0]["value"] == "9"


def test_a_lost_create_is_no_duplicate_whatever_the_choice(books):
    # Given the customer our earlier create made (its answer lost): it holds the CRM id
    connector = _connector(books, customers="skip")
    mine = _customer(books, "Initech", custom_fields=[{"api_name": "cf_zoho_crm_id", "value": "7"}])
    # When the create is retried under skip
    answer = _create(connector, "customers", {"contact_name": "Initech"}, "7")
    # Then it updated its own record, not refused as a duplicate
    assert answer == WriteResult(key=mine)
    assert len(books.contacts()) == 1


def test_clone_makes_a_second_customer_without_looking(books):
    # Given a duplicate customer
    connector = _connector(books, customers="clone")
    _customer(books, "Hooli")
    connector.check_access()
    books.calls.clear()
    # When a CRM account of the name is created under clone
    answer = _create(connector, "customers", {"contact_name": "Hooli"}, "5")
    # Then Books has two of that name, and the create was one call
    assert isinstance(answer, WriteResult)
    assert answer.created
    assert [c["contact_name"] for c in books.contacts()] == ["Hooli", "Hooli"]
    assert books.calls.count() == 1


def test_skip_refuses_an_item_meeting_its_duplicate_and_writes_nothing(books):
    # Given an item of the name
    connector = _connector(books, items="skip")
    item = books.create("items", {"name": "Desk", "rate": 10})
    connector.check_access()
    books.calls.clear()
    # When a CRM product of that name is created under skip
    answer = _create(connector, "items", {"name": "Desk", "rate": "12"}, "3")
    # Then it is refused naming the item met, and nothing was written
    assert isinstance(answer, DuplicateSkippedError)
    assert item in answer.reason
    assert books.calls.writes() == []


@pytest.mark.parametrize("fault", ["lose_response", "http_error"])
def test_a_person_create_whose_answer_is_lost_makes_one_person(books, fault):
    # Given a customer already holding a person of the same name (made by someone else), and
    # Books failing the next create of a person: done with its answer lost, or not done (503)
    connector = _connector(books, contact_persons="clone")
    customer = _customer(books, "Acme")
    twin = books.add_person(customer, {"last_name": "Same"})
    books.faults.add(FaultRule("create contactpersons", fault))
    # When a person of that name is created (clone: a second one is wanted)
    answers = connector.write_many("contact_persons", [_person_create(customer, "Same")])
    # Then exactly one new person was made, and the answer names it, not the other one
    persons = books.contacts()[0]["contact_persons"]
    assert len(persons) == 2
    made = next(p["contact_person_id"] for p in persons if p["contact_person_id"] != twin)
    assert answers == [WriteResult(key=f"{customer}/{made}", created=True)]
