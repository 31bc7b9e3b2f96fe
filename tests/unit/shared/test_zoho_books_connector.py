"""The Zoho Books connector's own decisions, against the emulator: the organisation check at
set-up, paging by ``page_context``, customers and vendors kept apart, upserts on the unique
custom field, and the per-minute rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from shared.connectors.base import RetrySettings
from shared.connectors.registry import system
from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.errors import ConfigurationError, RateLimitedError

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def books() -> ZohoBooksEmulator:
    return ZohoBooksEmulator(clock=lambda: START)


def _connector(
    books: ZohoBooksEmulator, waits: list[float] | None = None, **settings: str
) -> ZohoBooksConnector:
    side = books.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    plugin = system("zoho_books")
    typed_settings = plugin.settings({"system": "zoho_books", **side.settings, **settings}, "t")
    secrets = plugin.secrets(side.secrets, "t")
    http = httpx.Client(transport=httpx.WSGITransport(app=books.wsgi_app))
    sleep = waits.append if waits is not None else (lambda s: None)
    retry = RetrySettings(attempts=3, wait_min_s=0.5, rate_limit_wait_max_s=30, sleep=sleep)
    connector = plugin.connector(http, typed_settings, secrets, retry)
    assert isinstance(connector, ZohoBooksConnector)
    return connector


def test_an_organisation_not_the_users_is_refused_naming_theirs(books):
    # Given a connection naming an organisation the user does not belong to
    books.add_organization("20000001", "Second Co")
    connector = _connector(books, organization_id="99999999")
    # When its access is checked
    # Then it is refused, and the reason lists the user's organisations
    with pytest.raises(ConfigurationError) as refused:
        connector.check_access()
    assert "99999999" in refused.value.reason
    assert "10234695 (Ledgerlink Demo)" in refused.value.reason
    assert "20000001 (Second Co)" in refused.value.reason


def test_changes_are_read_page_by_page_oldest_first_customers_only(books):
    # Given five customers and a vendor, then two customers a minute later
    connector = _connector(books)
    old = [books.create("contacts", {"contact_name": f"C{i}"}) for i in range(5)]
    books.create("contacts", {"contact_name": "V", "contact_type": "vendor"})
    books.advance_clock(timedelta(minutes=1))
    new = [books.create("contacts", {"contact_name": f"N{i}"}) for i in range(2)]
    # When the customers' changes are read two to a page, and since the later minute
    before = books.calls.count("list", "contacts")
    everything = list(connector.changed_since("customers", None, ["contact_name"], 2))
    pages = books.calls.count("list", "contacts") - before
    later = list(connector.changed_since("customers", START + timedelta(minutes=1), [], 2))
    # Then every customer came once, oldest first, over four pages; the vendor did not
    assert [r.key for r in everything] == old + new
    assert pages == 4
    assert [r.key for r in later] == new
    assert everything[0].modified_at == START


def test_a_vendor_is_not_read_as_a_customer(books):
    # Given a vendor
    connector = _connector(books)
    vendor = books.create("contacts", {"contact_name": "Parts Inc", "contact_type": "vendor"})
    # When it is fetched as a customer and as a vendor
    # Then only the vendor read finds it
    assert connector.fetch("customers", vendor, ["contact_name"]) is None
    found = connector.fetch("vendors", vendor, ["contact_name"])
    assert found is not None
    assert found.get("contact_name") == "Parts Inc"


def test_a_create_with_an_external_key_upserts_on_the_custom_field(books):
    # Given a customer already holding the CRM id (made by an earlier, lost answer)
    connector = _connector(books)
    first = connector.create(
        "customers",
        {"contact_name": "Acme", "billing_address.city": "Austin"},
        idempotency_key="k",
        external_key=("custom_fields.cf_zoho_crm_id", "4150868000000224005"),
    )
    # When the same create is sent again
    again = connector.create(
        "customers",
        {"contact_name": "Acme", "billing_address.city": "Austin"},
        idempotency_key="k",
        external_key=("custom_fields.cf_zoho_crm_id", "4150868000000224005"),
    )
    # Then it found the first (no second contact), nested fields landed nested
    assert (first.created, again.created) == (True, False)
    assert again.key == first.key
    assert len(books.contacts()) == 1
    assert books.contacts()[0]["billing_address"] == {"city": "Austin"}
    read = connector.fetch("customers", first.key, [])
    assert read is not None
    assert read.get("custom_fields.cf_zoho_crm_id") == "4150868000000224005"
    assert read.get("billing_address.city") == "Austin"


def test_the_per_minute_limit_answers_429_and_the_connector_backs_off(books):
    # Given an organisation allowing 3 requests a minute, and a customer
    connector = _connector(books, waits := [])
    key = books.create("contacts", {"contact_name": "Acme"})
    books.rate_limit_per_minute = 3
    # When it is read five times within the minute
    for _ in range(3):
        connector.fetch("customers", key, [])
    # Then the fourth read meets 429s, backs off each time, and gives up as rate-limited
    with pytest.raises(RateLimitedError):
        connector.fetch("customers", key, [])
    assert waits == [0.5, 1.0]
    assert books.rate_limited == 3
    # And once the minute has passed, reads go through
    books.advance_clock(timedelta(minutes=1))
    assert connector.fetch("customers", key, []) is not None
