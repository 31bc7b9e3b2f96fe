"""What the door recognises as already known (shared/ingest/known_changes.py), decided from a
notice and the record's link alone."""

from __future__ import annotations

from typing import Any

import pytest

from shared.connectors.plugin import Notice
from shared.ingest.known_changes import known
from shared.mapping.fields import Side
from shared.models.events import RecordRef
from shared.models.links import SideState, SyncLink
from shared.pairs.zoho_crm_books.contacts import CONTACT_PERSON
from shared.pairs.zoho_crm_books.mappings import ACCOUNT_CUSTOMER
from shared.sync.hashing import hashes_of

ACCOUNT = RecordRef(system="zoho_crm", object="Accounts", record_id="4150868000000001001")
CUSTOMER = RecordRef(system="zoho_books", object="customers", record_id="460000000001002")
SYNCED = {"Account_Name": "Acme", "Phone": "555 0100", "Zoho_Books_ID": "460000000001002"}


def _link(status: str = "linked", values: dict[str, Any] | None = None) -> SyncLink:
    tracked = ACCOUNT_CUSTOMER.tracked_paths(Side.CRM)
    return SyncLink(
        connection_id="zoho",
        mapping="account_customer",
        status=status,  # type: ignore[arg-type]
        crm=SideState(ref=ACCOUNT, hashes=hashes_of(values or SYNCED, tracked)),
        erp=SideState(ref=CUSTOMER),
    )


def _notice(changed: dict[str, Any] | None = None, *, created: bool = False) -> Notice:
    return Notice(object="Accounts", record_id=ACCOUNT.record_id, created=created, changed=changed)


@pytest.mark.parametrize(
    "changed",
    [
        {"Zoho_Books_ID": "460000000001002"},  # our write of the Books id
        {"Phone": "555 0100", "Account_Name": "Acme"},  # values we last synced
    ],
)
def test_an_update_showing_only_what_the_link_holds_is_known(changed):
    # Given a linked account and an update notice whose values the link holds
    # When the door asks
    # Then it is known: nothing to queue
    assert known(_notice(changed), ACCOUNT_CUSTOMER, Side.CRM, _link())


@pytest.mark.parametrize(
    "changed",
    [
        {"Phone": "555 0199"},  # a person's new value
        {"Zoho_Books_ID": "460000000009999"},  # someone pointing it at another customer
        {"Phone": "555 0100", "Description": "x"},  # a field no mapping follows
        {},  # nothing said
    ],
)
def test_an_update_with_anything_new_or_unknown_is_queued(changed):
    # Given a linked account and a notice with a value the link does not hold, or a field
    # the mapping does not follow
    # When the door asks
    # Then it is not known: the worker reads it fresh
    assert not known(_notice(changed), ACCOUNT_CUSTOMER, Side.CRM, _link())


def test_a_lookup_whose_parents_field_the_mapping_reads_is_queued():
    # Given a linked contact whose account lookup changed (the mapping reads the parent's
    # Books id through it, which the callback cannot show)
    contact = RecordRef(system="zoho_crm", object="Contacts", record_id="4150868000000001002")
    tracked = CONTACT_PERSON.tracked_paths(Side.CRM)
    link = SyncLink(
        connection_id="zoho",
        mapping="contact_person",
        crm=SideState(ref=contact, hashes=hashes_of({"Account_Name.id": "1"}, tracked)),
        erp=SideState(ref=CUSTOMER.model_copy(update={"object": "contact_persons"})),
    )
    notice = Notice(
        object="Contacts", record_id=contact.record_id, changed={"Account_Name.id": "1"}
    )
    # When the door asks
    # Then it is not known
    assert not known(notice, CONTACT_PERSON, Side.CRM, link)


@pytest.mark.parametrize(("status", "expected"), [("linked", True), ("pending", False)])
def test_a_creation_is_known_only_once_its_link_is_linked(status, expected):
    # Given the insert notice of a record whose link is linked, or still pending (its
    # create not finished)
    # When the door asks
    # Then only the linked one is known
    assert known(_notice(created=True), ACCOUNT_CUSTOMER, Side.CRM, _link(status)) is expected
