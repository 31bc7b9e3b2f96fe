"""The contact persons' poll reads a customer once per version: a read answered after the
customer's stamp is kept, and an overlapping poll listing it at that stamp reads nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.emulators.zoho_books import ZohoBooksEmulator
from shared.connectors.zoho_books.client import _date
from shared.connectors.zoho_books.persons_seen import SeenPersons, final
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from tests.unit.shared.test_zoho_books_persons_and_duplicates import START, _connector, _customer

LATER = timedelta(seconds=2)


@pytest.fixture
def books() -> ZohoBooksEmulator:
    return ZohoBooksEmulator(clock=lambda: START)


def _persons(connector) -> list[tuple[str, str]]:
    since = START - timedelta(minutes=1)
    return [
        (r.key, r.get("last_name"))
        for r in connector.changed_since("contact_persons", since, [], 200)
    ]


def test_an_overlapping_poll_does_not_read_a_customer_again_at_the_same_stamp(books):
    # Given a customer with a person, its persons polled in a later second than its stamp
    connector = _connector(books)
    customer = _customer(books, "Seen Co")
    books.add_person(customer, {"last_name": "Ann"})
    connector.check_access()
    books.advance_clock(LATER)
    first = _persons(connector)
    books.calls.clear()
    # When the next poll's window lists the customer again, unchanged
    again = _persons(connector)
    # Then it yields the same persons without reading the customer
    assert again == first
    assert [p[1] for p in first] == ["Ann"]
    assert books.calls.count("read", "contacts") == 0


def test_a_person_changed_since_moves_the_stamp_and_is_read(books):
    # Given a customer whose persons were polled after its stamp
    connector = _connector(books)
    customer = _customer(books, "Moved Co")
    person = books.add_person(customer, {"last_name": "Ann"})
    connector.check_access()
    books.advance_clock(LATER)
    _persons(connector)
    # When a person is renamed later (Books moves the customer's stamp)
    books.edit_person(person, {"last_name": "Anna"})
    books.advance_clock(LATER)
    books.calls.clear()
    changed = _persons(connector)
    # Then the next poll reads the customer and sees the new name
    assert [p[1] for p in changed] == ["Anna"]
    assert books.calls.count("read", "contacts") == 1


def test_a_read_within_the_stamps_own_second_is_read_again(books):
    # Given a customer polled within the same second as its stamp (a person could still
    # change in that second without moving the stamp)
    connector = _connector(books)
    customer = _customer(books, "Tie Co")
    books.add_person(customer, {"last_name": "Ann"})
    connector.check_access()
    _persons(connector)
    books.calls.clear()
    # When the next poll lists it at the same stamp
    _persons(connector)
    # Then it is read again
    assert books.calls.count("read", "contacts") == 1


@pytest.mark.parametrize(
    ("answered", "expected"),
    [
        (datetime(2026, 3, 2, 9, 30, 0, 900_000, tzinfo=UTC), False),  # within the second
        (datetime(2026, 3, 2, 9, 30, 1, tzinfo=UTC), True),  # the next second
        (None, False),  # no Date
    ],
)
def test_a_read_is_whole_only_when_answered_in_a_later_second(answered, expected):
    # Given a customer stamped 09:30:00
    stamp = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    # When a read was answered at ``answered``
    # Then it shows that version whole only from the next second on
    assert final(stamp, answered) is expected


def test_the_memory_keeps_a_bounded_number_of_customers():
    # Given a memory of two customers
    seen = SeenPersons(limit=2)
    stamp = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    later = stamp + LATER
    record = SourceRecord(
        ref=RecordRef(system="zoho_books", object="contact_persons", record_id="1/2"), fields={}
    )
    # When three customers are kept
    for customer in ("1", "2", "3"):
        seen.remember(customer, stamp, later, [record])
    # Then the oldest is forgotten, and a stamp other than the kept one recalls nothing
    assert seen.recall("1", stamp) is None
    assert seen.recall("3", stamp) == [record]
    assert seen.recall("3", later) is None


def test_a_dated_read_gives_the_servers_date_to_the_second(books):
    # Given the emulator's clock two seconds on
    connector = _connector(books)
    customer = _customer(books, "Dated Co")
    connector.check_access()
    books.advance_clock(LATER)
    # When a customer is read with its date
    answer, answered_at = connector.client.read_dated(f"contacts/{customer}")
    # Then the answer's Date header is the emulator's time
    assert answer["contact"]["contact_id"] == customer
    assert answered_at == START + LATER


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # an origin's Date and a proxy's later one: the earliest counts
        (
            ["Mon, 02 Mar 2026 09:30:05 GMT", "Mon, 02 Mar 2026 09:30:02 GMT"],
            datetime(2026, 3, 2, 9, 30, 2, tzinfo=UTC),
        ),
        (["Mon, 02 Mar 2026 09:30:02 -0000"], datetime(2026, 3, 2, 9, 30, 2, tzinfo=UTC)),
        (["not a date"], None),
        ([], None),
    ],
)
def test_the_answers_time_is_its_earliest_readable_date_header(values, expected):
    # Given an answer's Date headers
    # When the client reads when it was answered
    # Then it is the earliest readable one, in UTC (never a later proxy's)
    assert _date(values) == expected
