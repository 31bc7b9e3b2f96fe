"""The Zoho CRM connector's list views (criteria evaluated on each record read) and its
parents' fields read and written through lookups, against the emulator."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from pydantic import ValidationError

from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from shared.connectors.base import RetrySettings, Write
from shared.connectors.registry import system
from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.connectors.zoho_crm.lookups import ParentNotSyncedError
from shared.connectors.zoho_crm.views import Criteria, path_of
from shared.models.records import WriteResult

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def crm() -> ZohoCrmEmulator:
    return ZohoCrmEmulator(clock=lambda: START)


def _connector(emulator: ZohoCrmEmulator) -> ZohoCrmConnector:
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    plugin = system("zoho_crm")
    settings = plugin.settings({"system": "zoho_crm", **side.settings}, "t")
    http = httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app))
    retry = RetrySettings(attempts=2, sleep=lambda s: None)
    connector = plugin.connector(http, settings, plugin.secrets(side.secrets, "t"), retry)
    assert isinstance(connector, ZohoCrmConnector)
    return connector


def _condition(field: str, comparator: str, value: object) -> dict[str, object]:
    return {"comparator": comparator, "field": {"api_name": field}, "value": value}


# -- criteria ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparator", "value", "record", "holds"),
    [
        ("equal", "Hot", {"Rating": "hot"}, True),
        ("not_equal", "Hot", {"Rating": "Cold"}, True),
        ("equal", "${EMPTY}", {"Rating": None}, True),
        ("equal", "${NOTEMPTY}", {"Rating": ""}, False),
        ("in", ["Hot", "Warm"], {"Rating": "Warm"}, True),
        ("not_in", ["Hot", "Warm"], {"Rating": "Warm"}, False),
        ("starts_with", "Zyl", {"Rating": "Zylker"}, True),
        ("contains", "lk", {"Rating": "Zylker"}, True),
        ("not_contains", "lk", {"Rating": "Zylker"}, False),
        ("greater_than", "100", {"Rating": "1000.50"}, True),  # as numbers, not text
        ("less_equal", "100", {"Rating": "99"}, True),
        ("greater_than", "100", {"Rating": None}, False),
        ("between", ["10", "20"], {"Rating": "15"}, True),
        ("between", ["10", "20"], {"Rating": "25"}, False),
    ],
)
def test_each_comparator_decides_as_named(comparator, value, record, holds):
    # Given a condition
    criteria = Criteria.model_validate(_condition("Rating", comparator, value))
    # When it is checked against a record
    # Then it holds or not as the comparator says
    assert criteria.holds(record) is holds


def test_groups_join_with_and_or_and_nest():
    # Given hot accounts, or customers with revenue over a million
    criteria = Criteria.model_validate(
        {
            "group_operator": "or",
            "group": [
                _condition("Rating", "equal", "Hot"),
                {
                    "group_operator": "AND",
                    "group": [
                        _condition("Account_Type", "equal", "Customer"),
                        _condition("Annual_Revenue", "greater_than", "1000000"),
                    ],
                },
            ],
        }
    )
    # Then each record is in or out by the whole expression, and its fields are the ones named
    assert criteria.holds({"Rating": "Hot"})
    assert criteria.holds({"Account_Type": "Customer", "Annual_Revenue": "2000000"})
    assert not criteria.holds({"Account_Type": "Customer", "Annual_Revenue": "20"})
    assert criteria.fields() == {"Rating", "Account_Type", "Annual_Revenue"}


def test_a_criteria_mixing_a_group_and_a_condition_is_refused():
    # Given a group that also names a field
    # Then it is refused
    with pytest.raises(ValidationError):
        Criteria.model_validate(
            {"group_operator": "and", "group": [], **_condition("Rating", "equal", "Hot")}
        )


def test_a_read_carries_its_view_and_asks_the_api_only_for_real_fields(crm):
    # Given two accounts, one in a view of hot accounts
    connector = _connector(crm)
    hot = crm.insert("Accounts", {"Account_Name": "Hot Co", "Rating": "Hot"})
    cold = crm.insert("Accounts", {"Account_Name": "Cold Co", "Rating": "Cold"})
    view = path_of(Criteria.model_validate(_condition("Rating", "equal", "Hot")))
    # When both are read by id and through the changes, asking for the view
    by_id = {r.key: r.get(view) for r in connector.fetch_many("Accounts", [hot, cold], [view])}
    changed = {r.key: r.get(view) for r in connector.changed_since("Accounts", None, [view], 10)}
    # Then each says whether it is in the view
    assert by_id == {hot: "true", cold: "false"}
    assert changed == by_id


# -- parents' fields through lookups -----------------------------------------------------------


def test_a_parents_field_is_read_for_a_whole_batch_in_one_more_call(crm):
    # Given three contacts of two accounts (one account without a Books id) and one of none
    connector = _connector(crm)
    a = crm.insert("Accounts", {"Account_Name": "A", "Zoho_Books_ID": "111"})
    b = crm.insert("Accounts", {"Account_Name": "B"})
    ids = [
        crm.insert("Contacts", {"Last_Name": "A1", "Account_Name": {"id": a}}),
        crm.insert("Contacts", {"Last_Name": "A2", "Account_Name": {"id": a}}),
        crm.insert("Contacts", {"Last_Name": "B1", "Account_Name": {"id": b}}),
        crm.insert("Contacts", {"Last_Name": "None"}),
    ]
    connector.check_access()
    before = connector.client.calls
    # When they are read with their account's Books id
    records = connector.fetch_many("Contacts", ids, ["Last_Name", "Account_Name.Zoho_Books_ID"])
    # Then two calls answered: the contacts, then their accounts
    assert connector.client.calls - before == 2
    values = {r.get("Last_Name"): r.get("Account_Name.Zoho_Books_ID") for r in records}
    assert values == {"A1": "111", "A2": "111", "B1": None, "None": None}


def test_a_parents_field_written_finds_the_parent_in_one_query_per_batch(crm):
    # Given two accounts holding Books ids
    connector = _connector(crm)
    a = crm.insert("Accounts", {"Account_Name": "A", "Zoho_Books_ID": "111"})
    b = crm.insert("Accounts", {"Account_Name": "B", "Zoho_Books_ID": "222"})
    connector.check_access()
    before = connector.client.calls
    # When three contacts are created naming their accounts by Books id (one not synced yet)
    writes = [
        Write({"Last_Name": "X", "Account_Name.Zoho_Books_ID": "111"}, "k1"),
        Write({"Last_Name": "Y", "Account_Name.Zoho_Books_ID": "222"}, "k2"),
        Write({"Last_Name": "Z", "Account_Name.Zoho_Books_ID": "333"}, "k3"),
    ]
    answers = connector.write_many("Contacts", writes)
    # Then one query found the accounts and one insert wrote the two it could
    assert connector.client.calls - before == 2
    assert isinstance(answers[0], WriteResult)
    assert isinstance(answers[1], WriteResult)
    assert isinstance(answers[2], ParentNotSyncedError)
    parents = {c["Last_Name"]: c["Account_Name"]["id"] for c in crm.records("Contacts")}
    assert parents == {"X": a, "Y": b}
