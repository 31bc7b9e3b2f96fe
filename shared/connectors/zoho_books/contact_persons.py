"""Zoho Books contact persons as one object, ``contact_persons``, keyed ``<contact_id>/<id>``.

A contact person lives inside its contact (Zoho Books API v3 "Contact Persons": ``POST
/contacts/contactpersons`` with ``contact_id`` in the body, ``PUT|GET
/contacts/contactpersons/{contact_person_id}``, ``GET /contacts/{contact_id}/contactpersons``;
"Contacts": ``GET /contacts/{contact_id}`` answers the contact with its ``contact_persons``).
A person has no id of its own the rest of the API can find it by and no modification time:
so its key names its contact too, and a person's version is its contact's
``last_modified_time`` (Books stamps the contact whenever one of its persons changes).

- Reads are grouped by contact: one ``GET /contacts/{id}`` reads every wanted person of that
  contact, and gives their stamp.
- Changes since a time are the persons of the customers changed since then: the customer
  list filtered by ``last_modified_time`` (one call a page) and one read per changed customer
  (one per customer version: a read answered after the customer's stamp is kept, and the
  next poll's overlap, listing it at that stamp again, does not read it again:
  :mod:`shared.connectors.zoho_books.persons_seen`).
- Writes: one call per person (Books has no batch write of persons). The creates of one
  contact share one read of its persons, which finds again a person whose create answer was
  lost, or that someone already made, by its natural key within the contact: its email, or
  its first and last names when it has none. What then happens is the connection's choice for
  duplicates (:mod:`shared.connectors.zoho_books.duplicates`): ``overwrite`` gives that person
  the CRM values, ``clone`` makes a new one, ``skip`` writes nothing.

A create carries the source record's key in ``MATCH_FIELD`` (what an assigned identity sends
for a lost create to be found again); Books persons have no field to keep it in, so it is
never sent: the natural key does that work.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.connectors.base import Write, WriteAnswer
from shared.connectors.zoho_books.duplicates import Duplicate, OnDuplicate
from shared.connectors.zoho_books.persons_seen import SeenPersons
from shared.errors import (
    AuthenticationError,
    DeadlineExceededError,
    DependencyPendingError,
    LedgerlinkError,
    NotFoundError,
    PermanentError,
    TransportError,
)
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult

if TYPE_CHECKING:
    from shared.connectors.zoho_books.connector import ZohoBooksConnector

OBJECT = "contact_persons"
SEP = "/"
MATCH_FIELD = "crm_record_id"  # carried by creates for the engine; never sent to Books
PARENT = "contact_id"
STAMP = "last_modified_time"


class ParentNotInBooksError(DependencyPendingError):
    """The person's contact (its CRM account) is not in Books yet: try again later."""


def key_of(contact_id: str, person_id: str) -> str:
    return f"{contact_id}{SEP}{person_id}"


def split_key(key: str) -> tuple[str, str] | None:
    contact_id, sep, person_id = key.partition(SEP)
    if not sep or not contact_id.isdigit() or not person_id.isdigit():
        return None
    return contact_id, person_id


def natural_key(values: Mapping[str, Any]) -> str:
    """Who a person is within its contact: the email, else the names (case-insensitive)."""
    email = str(values.get("email") or "").strip().casefold()
    if email:
        return f"email:{email}"
    first = str(values.get("first_name") or "").strip().casefold()
    last = str(values.get("last_name") or "").strip().casefold()
    return f"name:{first}|{last}"


class ContactPersons:
    """The ``contact_persons`` object of a Books connector."""

    def __init__(self, books: ZohoBooksConnector) -> None:
        self._books = books
        self._seen = SeenPersons()

    # -- reads ---------------------------------------------------------------------------

    def fetch_many(self, keys: Sequence[str]) -> list[SourceRecord]:
        wanted: dict[str, set[str]] = {}
        for key in dict.fromkeys(keys):
            parts = split_key(key)
            if parts is not None:
                wanted.setdefault(parts[0], set()).add(parts[1])
        records: list[SourceRecord] = []
        for contact_id, person_ids in wanted.items():
            contact = self._contact(contact_id)
            if contact is None:
                continue
            records.extend(r for r in self._records(contact) if r.key.split(SEP)[1] in person_ids)
        return records

    def changed_since(self, since: datetime | None, page_size: int) -> Iterator[SourceRecord]:
        """The persons of each customer changed at or after ``since``, customers oldest
        first, persons of one customer by id. A customer still at the stamp of a read
        answered after it is not read again (:mod:`persons_seen`)."""
        for customer in self._books.changed_since("customers", since, (), page_size):
            kept = self._seen.recall(customer.key, customer.modified_at)
            if kept is not None:
                yield from kept
                continue
            contact, answered_at = self._contact_dated(customer.key)
            if contact is None:
                continue
            records = self._records(contact)
            stamp = _stamp(contact.get(STAMP))
            self._seen.remember(customer.key, stamp, answered_at, records)
            yield from records

    def _contact(self, contact_id: str) -> dict[str, Any] | None:
        return self._contact_dated(contact_id)[0]

    def _contact_dated(self, contact_id: str) -> tuple[dict[str, Any] | None, datetime | None]:
        """The customer with its persons, and when Books answered (None: not a customer)."""
        try:
            answer, answered_at = self._books.client.read_dated(f"contacts/{contact_id}")
        except NotFoundError:
            return None, None
        contact = answer.get("contact")
        if not isinstance(contact, dict) or contact.get("contact_type") != "customer":
            return None, answered_at
        return contact, answered_at

    def _records(self, contact: Mapping[str, Any]) -> list[SourceRecord]:
        contact_id = str(contact["contact_id"])
        stamp = contact.get(STAMP)
        persons = sorted(
            contact.get("contact_persons") or [], key=lambda p: int(p["contact_person_id"])
        )
        return [
            SourceRecord(
                ref=RecordRef(
                    system=self._books.system,
                    object=OBJECT,
                    record_id=key_of(contact_id, str(person["contact_person_id"])),
                ),
                fields={**person, PARENT: contact_id, STAMP: stamp},
                modified_at=_stamp(stamp),
            )
            for person in persons
        ]

    # -- writes --------------------------------------------------------------------------

    def write_many(self, writes: Sequence[Write], on_duplicate: OnDuplicate) -> list[WriteAnswer]:
        """Each write's answer, in order; the creates of one contact share one read."""
        answers: list[WriteAnswer | None] = [None] * len(writes)
        creates: dict[str, list[int]] = {}
        for index, write in enumerate(writes):
            if write.key is None:
                parent = str(write.fields.get(PARENT) or "")
                if not parent:
                    answers[index] = ParentNotInBooksError(
                        "zoho_books: the contact person's account has no Books customer yet"
                    )
                else:
                    creates.setdefault(parent, []).append(index)
            else:
                answers[index] = self._guarded(lambda w=write: self._update(w))
        for parent, indexes in creates.items():
            existing = self._guarded(lambda p=parent: self._existing(p))
            for index in indexes:
                if isinstance(existing, LedgerlinkError):
                    answers[index] = existing
                    continue
                write = writes[index]
                answers[index] = self._guarded(
                    lambda w=write, p=parent, e=existing: self._create(w, p, e, on_duplicate)
                )
        return [a for a in answers if a is not None]

    @staticmethod
    def _guarded(call: Any) -> Any:
        """One record's work, its own error kept as its answer; a failure of the connection
        itself (refused credentials, no time left) raises for the whole batch."""
        try:
            return call()
        except (AuthenticationError, DeadlineExceededError):
            raise
        except LedgerlinkError as exc:
            return exc

    def _existing(self, contact_id: str) -> _Known:
        """The contact's persons: by natural key (the first of each), and every id."""
        known = _Known()
        for person in self._persons_of(contact_id):
            known.add(person)
        return known

    def _persons_of(self, contact_id: str) -> list[dict[str, Any]]:
        try:
            _, answer = self._books.client.request("GET", f"contacts/{contact_id}/contactpersons")
        except NotFoundError as exc:
            raise PermanentError(
                f"zoho_books: customer {contact_id} of the contact person does not exist"
            ) from exc
        return [dict(p) for p in answer.get("contact_persons") or []]

    def _post(self, contact_id: str, body: Mapping[str, Any], known: set[str]) -> str:
        """Make the person; a lost answer is looked for (a person of its natural key that
        was not there before) and the post sent again only if it is not found, so a retry
        never makes a second one."""
        for attempt in range(2):
            try:
                _, answer = self._books.client.request(
                    "POST", "contacts/contactpersons", body={**body, PARENT: contact_id}, once=True
                )
                return str(answer["contact_person"]["contact_person_id"])
            except TransportError:
                mine = [
                    str(p["contact_person_id"])
                    for p in self._persons_of(contact_id)
                    if natural_key(p) == natural_key(body)
                    and str(p["contact_person_id"]) not in known
                ]
                if mine:
                    return mine[0]
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _create(
        self,
        write: Write,
        contact_id: str,
        existing: _Known,
        on_duplicate: OnDuplicate,
    ) -> WriteResult:
        body = _body(write.fields)
        twin = existing.by_key.get(natural_key(body))
        if twin is not None:
            person_id = str(twin["contact_person_id"])
            matched = "email" if body.get("email") else "first and last names"
            decision = on_duplicate.decide(
                Duplicate(OBJECT, key_of(contact_id, person_id), matched)
            )
            if decision == "overwrite":
                self._books.client.request(
                    "PUT", f"contacts/contactpersons/{person_id}", body={**body, PARENT: contact_id}
                )
                return WriteResult(key=key_of(contact_id, person_id))
        person_id = self._post(contact_id, body, existing.ids)
        existing.add({**body, "contact_person_id": person_id})
        return WriteResult(key=key_of(contact_id, person_id), created=True)

    def _update(self, write: Write) -> WriteResult:
        assert write.key is not None
        parts = split_key(write.key)
        if parts is None:
            raise PermanentError(f"zoho_books: {write.key} is not a contact person's key")
        contact_id, person_id = parts
        body = _body(write.fields)
        if body:
            self._books.client.request(
                "PUT", f"contacts/contactpersons/{person_id}", body={**body, PARENT: contact_id}
            )
        return WriteResult(key=write.key)


class _Known:
    """A contact's persons as read (and made since): by natural key, and all their ids."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, Any]] = {}
        self.ids: set[str] = set()

    def add(self, person: Mapping[str, Any]) -> None:
        self.by_key.setdefault(natural_key(person), dict(person))
        self.ids.add(str(person["contact_person_id"]))


def _body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What Books takes of a person: its own fields (not its contact, key, stamp or the
    source's key)."""
    skip = {PARENT, MATCH_FIELD, STAMP, "contact_person_id"}
    return {k: v for k, v in fields.items() if k not in skip}


def _stamp(value: Any) -> datetime | None:
    from shared.connectors.zoho_books.connector import parse_timestamp  # it imports us

    return parse_timestamp(value)
