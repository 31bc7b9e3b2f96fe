"""A Zoho CRM <-> Zoho Books connection's per-module options, as validated and as they shape
the mappings in force: customer module, list views, on_conflict."""

from __future__ import annotations

from typing import Any

import pytest

from shared.connectors.zoho_books.settings import ZohoBooksSettings
from shared.connectors.zoho_crm.views import PREFIX
from shared.errors import ConfigurationError
from shared.pairs.catalog import MappingCatalog
from shared.pairs.registry import load_connection

ACCOUNTS = "https://accounts.zoho.com"
UNKNOWN_VIEW = {"nothing": {"comparator": "equal", "field": {"api_name": "A"}}}


def _config(**options: Any) -> dict[str, Any]:
    return {
        "connection_id": "zoho-test",
        "crm": {
            "system": "zoho_crm",
            "accounts_url": ACCOUNTS,
            "client_id": "c",
        },
        "erp": {
            "system": "zoho_books",
            "accounts_url": ACCOUNTS,
            "client_id": "b",
            "organization_id": "10234695",
        },
        **options,
    }


def _mapped(connection: Any) -> dict[str, tuple[str, str]]:
    catalog = MappingCatalog.for_connection(connection)
    return {m.name: (m.crm_object, m.erp_object) for m in catalog.mappings}


def test_by_default_accounts_are_customers_and_contacts_their_persons():
    # Given a connection with no options
    connection = load_connection(_config())
    # Then accounts sync with customers and contacts with contact persons, all polled
    mapped = _mapped(connection)
    assert mapped["account_customer"] == ("Accounts", "customers")
    assert mapped["contact_person"] == ("Contacts", "contact_persons")
    assert "contact_customer" not in mapped
    assert connection.crm_polled_objects == ("Accounts", "Contacts", "Vendors", "Products")
    assert "contact_persons" in connection.erp_polled_objects


def test_contacts_as_the_customer_module_replace_accounts_and_persons():
    # Given a connection choosing Contacts as its customer module, polling as stored before
    connection = load_connection(
        _config(
            customer_module="Contacts",
            crm_polled_objects=["Accounts", "Contacts", "Vendors"],
            erp_polled_objects=["customers", "contact_persons", "vendors"],
        )
    )
    # Then contacts are the customers; accounts and persons are neither mapped nor polled
    mapped = _mapped(connection)
    assert mapped["contact_customer"] == ("Contacts", "customers")
    assert "account_customer" not in mapped
    assert "contact_person" not in mapped
    assert connection.crm_polled_objects == ("Contacts", "Vendors")
    assert connection.erp_polled_objects == ("customers", "vendors")


def test_on_conflict_per_module_becomes_the_books_sides_choice_per_object():
    # Given skip for accounts, clone for products
    connection = load_connection(
        _config(on_conflict={"account_customer": "skip", "product_item": "clone"})
    )
    # Then the Books side says so per Books object; the others keep the default
    assert isinstance(connection.erp, ZohoBooksSettings)
    assert connection.erp.on_duplicate == {"customers": "skip", "items": "clone"}
    # And a stored connection read again says the same
    again = load_connection(connection.model_dump(mode="json"))
    assert again.erp == connection.erp


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"on_conflict": {"deals": "skip"}}, "on_conflict"),
        ({"on_conflict": {"account_customer": "merge"}}, "on_conflict"),
        (
            {"list_views": {"nothing": {"comparator": "equal", "field": {"api_name": "A"}}}},
            "list_views",
        ),
        ({"list_views": {"account_customer": {"comparator": "equal"}}}, "list_views"),
        ({"customer_module": "Leads"}, "customer_module"),
    ],
)
def test_options_naming_what_does_not_exist_are_refused_naming_the_option(options, named):
    # Given an option naming an unknown mapping, choice or module
    # When the connection is loaded
    # Then it is refused, naming the option
    with pytest.raises(ConfigurationError) as refused:
        load_connection(_config(**options))
    assert named in refused.value.reason


def test_a_list_view_adds_its_criteria_to_the_mappings_filter():
    # Given a list view on accounts and one on contacts
    hot = {"comparator": "equal", "field": {"api_name": "Rating"}, "value": "Hot"}
    connection = load_connection(
        _config(list_views={"account_customer": hot, "contact_person": hot})
    )
    catalog = MappingCatalog.for_connection(connection)
    # Then accounts sync only in the view; contacts only in theirs and with an account
    accounts = catalog.by_name("account_customer").crm_filter
    contacts = catalog.by_name("contact_person").crm_filter
    assert len(accounts) == 1
    assert all(p.startswith(PREFIX) and v == "true" for p, v in accounts.items())
    assert len(contacts) == 2
    assert '"Rating"' in next(iter(accounts))
