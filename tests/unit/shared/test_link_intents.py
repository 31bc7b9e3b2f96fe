"""A create's intent riding on the copied record's pointer (LinkStore.begin): what reading
either record answers before and after the link is saved, and what a second create meets."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from sandbox.aws import create_tables
from shared.mapping.fields import Side
from shared.models.events import RecordRef
from shared.models.links import SideState, SyncLink
from shared.state import keys
from shared.state.links import ConcurrentLinkUpdateError, LinkStore
from shared.topology import STATE_TABLE

ACCOUNT = RecordRef(system="salesforce", object="Account", record_id="001A")
CUSTOMER = RecordRef(system="intacct", object="CUSTOMER", record_id="C-1")
OTHER = RecordRef(system="salesforce", object="Account", record_id="001B")


@pytest.fixture
def links() -> Iterator[LinkStore]:
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        yield LinkStore(boto3.resource("dynamodb").Table(STATE_TABLE.name))


def _intent(account: RecordRef = ACCOUNT, customer: RecordRef = CUSTOMER) -> SyncLink:
    return SyncLink(
        connection_id="c1",
        mapping="account_customer",
        status="pending",
        origin=Side.CRM,
        home=Side.ERP,
        crm=SideState(ref=account),
        erp=SideState(ref=customer),
    )


def _items(links: LinkStore) -> dict[str, dict]:
    table = links._table
    return {item["pk"]: item for item in table.scan()["Items"]}


def test_an_intent_is_one_item_under_the_copied_record_and_reads_as_pending(links):
    # When a create saves its intent
    saved = links.begin(_intent())
    # Then one item is written: the account's pointer to the customer's key
    items = _items(links)
    assert list(items) == [keys.link("c1", ACCOUNT)]
    assert items[keys.link("c1", ACCOUNT)]["to"] == keys.link("c1", CUSTOMER)
    assert saved.claimed == (ACCOUNT,)
    # And reading the account (one by one or in a batch) answers the pending link
    found = links.get("c1", ACCOUNT)
    assert found is not None
    assert (found.status, found.origin, found.erp.ref) == ("pending", Side.CRM, CUSTOMER)
    assert links.get_many("c1", [ACCOUNT], consistent=True)[ACCOUNT].status == "pending"


def test_the_link_saved_after_the_create_is_its_only_other_write(links):
    intent = links.begin(_intent())
    linked = intent.model_copy(update={"status": "linked", "origin": None})
    # When the link is saved at the customer's key
    links.save(linked)
    # Then the account's pointer was not written again, and both records read the link
    items = _items(links)
    assert sorted(items) == sorted([keys.link("c1", ACCOUNT), keys.link("c1", CUSTOMER)])
    assert links.get("c1", ACCOUNT).status == "linked"
    assert links.get("c1", CUSTOMER).status == "linked"
    assert links.get_many("c1", [ACCOUNT])[ACCOUNT].status == "linked"


def test_a_refused_create_deletes_its_intent(links):
    intent = links.begin(_intent())
    links.delete(intent)
    assert _items(links) == {}
    assert links.get("c1", ACCOUNT) is None


def test_an_intent_whose_key_another_link_took_is_left_behind(links):
    # Given an intent of the account for C-1 ...
    links.begin(_intent())
    # ... and C-1 linked since to another account (the intent's create never happened)
    links.save(_intent(OTHER).model_copy(update={"status": "linked", "origin": None}))
    # Then the account reads as unlinked (its pointer is one left behind), and a new intent
    # of it takes the pointer over
    assert links.get("c1", ACCOUNT) is None
    again = links.begin(_intent(customer=CUSTOMER.model_copy(update={"record_id": "C-2"})))
    assert links.get("c1", ACCOUNT) == again.model_copy(update={"claimed": ()})


def test_a_second_create_of_a_record_with_a_live_intent_waits(links):
    links.begin(_intent())
    with pytest.raises(ConcurrentLinkUpdateError, match="being linked"):
        links.begin(_intent(customer=CUSTOMER.model_copy(update={"record_id": "C-9"})))
