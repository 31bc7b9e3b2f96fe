"""SOQL through /query and /queryAll: filters, ordering, relationships, paging, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from shared.connectors.salesforce import soql as client_soql
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, query, stored


@pytest.fixture
def accounts(api: httpx.Client) -> dict[str, str]:
    """Four accounts: names, industries, customer ids (one missing) and a contact each."""
    ids = {}
    for name, industry, customer in [
        ("Acme", "Banking", "C-1"),
        ("beta corp", "Retail", "C-2"),
        ("Gamma", None, "C-3"),
        ("Delta", "Banking", None),
    ]:
        fields = {"Name": name, "Industry": industry, "Intacct_Customer_ID__c": customer}
        ids[name] = create(api, "Account", **{k: v for k, v in fields.items() if v})
        create(api, "Contact", LastName=f"{name} contact", AccountId=ids[name])
    return ids


def names(body: dict[str, Any]) -> list[str]:
    return [r["Name"] for r in body["records"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Name = 'acme'", ["Acme"]),
        ("Name != 'Acme'", ["beta corp", "Delta", "Gamma"]),
        ("Name LIKE 'B%'", ["beta corp"]),
        ("Name LIKE '_amma'", ["Gamma"]),
        ("Industry = null", ["Gamma"]),
        ("Industry != null", ["Acme", "beta corp", "Delta"]),
        ("Industry IN ('Banking', 'Retail')", ["Acme", "beta corp", "Delta"]),
        ("Industry NOT IN ('Banking')", ["beta corp", "Gamma"]),
        ("Industry = 'Banking' AND Intacct_Customer_ID__c != null", ["Acme"]),
        ("Industry = 'Retail' OR Intacct_Customer_ID__c = null", ["beta corp", "Delta"]),
        ("(Industry = 'Retail' OR Industry = null) AND Name > 'C'", ["Gamma"]),
        ("NOT Name LIKE '%a'", ["Acme", "beta corp"]),
        ("Name >= 'delta'", ["Delta", "Gamma"]),
    ],
)
def test_where_clauses(api, accounts, where, expected):
    # Given four accounts
    # When they are filtered
    body = query(api, f"SELECT Name FROM Account WHERE {where} ORDER BY Name")
    # Then the matching ones come back (comparisons ignore case)
    assert names(body) == expected
    assert body["totalSize"] == len(expected)
    assert body["done"] is True
    assert "nextRecordsUrl" not in body


def test_order_by_several_fields_with_nulls_placement(api, accounts):
    # Given accounts, one without an industry
    # When ordered by industry (nulls first by default) then name descending
    first = query(api, "SELECT Name FROM Account ORDER BY Industry, Name DESC")
    last = query(api, "SELECT Name FROM Account ORDER BY Industry DESC NULLS LAST, Name")
    # Then nulls lead unless NULLS LAST, and ties follow the second key
    assert names(first) == ["Gamma", "Delta", "Acme", "beta corp"]
    assert names(last) == ["beta corp", "Acme", "Delta", "Gamma"]


def test_limit_offset_and_count(api, accounts):
    # Given four accounts
    # When paged with LIMIT/OFFSET and counted
    page = query(api, "SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1")
    count = query(api, "SELECT COUNT() FROM Account WHERE Industry = 'Banking'")
    # Then the window and the count are right
    assert names(page) == ["beta corp", "Delta"]
    assert count == {"totalSize": 2, "done": True, "records": []}


def test_parent_fields_come_back_nested_with_attributes(api, accounts):
    # Given contacts of accounts, and one contact without an account
    create(api, "Contact", LastName="Loner")
    # When contacts are read with their account's fields
    body = query(
        api,
        "SELECT Id, LastName, Account.Name, Account.Owner.Username FROM Contact "
        "WHERE LastName IN ('Acme contact', 'Loner') ORDER BY LastName",
    )
    acme, loner = body["records"]
    # Then each parent is a nested record with its own attributes, or null
    assert acme["Account"] == {
        "attributes": {"type": "Account", "url": f"{DATA}/sobjects/Account/{accounts['Acme']}"},
        "Name": "Acme",
        "Owner": {
            "attributes": {"type": "User", "url": acme["Account"]["Owner"]["attributes"]["url"]},
            "Username": "integration@example.com",
        },
    }
    assert loner["Account"] is None
    assert list(acme) == ["attributes", "Id", "LastName", "Account"]


def test_filter_on_a_parent_field(api, accounts):
    # Given contacts of several accounts
    # When filtered by their account's industry
    body = query(api, "SELECT LastName FROM Contact WHERE Account.Industry = 'Retail'")
    # Then only the retail account's contact matches
    assert [r["LastName"] for r in body["records"]] == ["beta corp contact"]


def test_dates_datetimes_and_offsets(api, emu: SalesforceEmulator):
    # Given opportunities closing on two dates, the first modified at a known instant
    early = create(
        api, "Opportunity", Name="Early", StageName="Prospecting", CloseDate="2024-01-15"
    )
    create(api, "Opportunity", Name="Late", StageName="Closed Won", CloseDate="2024-06-30")
    stamp = stored(emu, "Opportunity", early)["SystemModstamp"]
    # When filtered by date, by boolean, and by dateTime in UTC and with a +02:00 offset
    by_date = query(api, "SELECT Name FROM Opportunity WHERE CloseDate < 2024-03-01")
    won = query(api, "SELECT Name, IsWon FROM Opportunity WHERE IsWon = true")
    utc = stamp.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    offset = (stamp + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S") + "+02:00"
    after_utc = query(
        api, f"SELECT Name FROM Opportunity WHERE SystemModstamp >= {utc} ORDER BY Name"
    )
    after_offset = query(
        api, f"SELECT Name FROM Opportunity WHERE SystemModstamp >= {offset} ORDER BY Name"
    )
    before = query(api, f"SELECT Name FROM Opportunity WHERE SystemModstamp < {offset}")
    # Then each literal compares as its type, offsets as the same instant
    assert names(by_date) == ["Early"]
    assert won["records"][0]["IsWon"] is True
    assert names(after_utc) == names(after_offset) == ["Early", "Late"]
    assert before["totalSize"] == 0


def test_money_filters_compare_exactly(api):
    # Given an opportunity with an amount of 0.3 (0.1 + 0.2 is not 0.3 in floats)
    create(
        api,
        "Opportunity",
        Name="Cents",
        StageName="Prospecting",
        CloseDate="2024-01-01",
        Amount=0.3,
    )
    # When filtered by the exact amount
    body = query(api, "SELECT Name, Amount FROM Opportunity WHERE Amount = 0.30")
    # Then it matches, and the amount is a JSON number
    assert names(body) == ["Cents"]
    assert body["records"][0]["Amount"] == 0.3


def test_paging_follows_next_records_url(api, emu: SalesforceEmulator):
    # Given 7 accounts and an org that pages by 3
    for i in range(7):
        create(api, "Account", Name=f"A{i}")
    emu.query_batch_size = 3
    # When queried and each nextRecordsUrl followed
    page = query(api, "SELECT Name FROM Account ORDER BY Name")
    seen = names(page)
    urls = []
    while not page["done"]:
        urls.append(page["nextRecordsUrl"])
        page = api.get(page["nextRecordsUrl"]).json()
        seen += names(page)
    # Then every record arrives once, in order, under the documented locator URLs
    assert seen == [f"A{i}" for i in range(7)]
    assert page["totalSize"] == 7
    assert urls[0].startswith(f"{DATA}/query/01g")
    assert urls[0].endswith("-3")
    assert urls[1].endswith("-6")


def test_batch_size_header_is_clamped_to_the_documented_range(api, accounts):
    # Given four accounts (fewer than the 200-record minimum batch)
    # When a tiny batchSize is asked for
    body = query(api, "SELECT Name FROM Account", **{"Sforce-Query-Options": "batchSize=2"})
    # Then the minimum of 200 applies and everything comes in one page
    assert body["done"] is True
    assert len(body["records"]) == 4


def test_an_unknown_query_locator(api):
    # Given no such cursor
    # When a next-records URL is made up
    answer = api.get(f"{DATA}/query/01g5g00000AbCdEAAA-2000")
    # Then it is refused
    assert answer.status_code == 400
    assert error_of(answer)["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_query_all_includes_deleted_records(api, accounts):
    # Given a deleted account
    api.delete(f"{DATA}/sobjects/Account/{accounts['Gamma']}")
    # When read through query and queryAll
    live = query(api, "SELECT Name FROM Account WHERE Name = 'Gamma'")
    everything = api.get(
        f"{DATA}/queryAll", params={"q": "SELECT Name, IsDeleted FROM Account WHERE Name = 'Gamma'"}
    ).json()
    # Then only queryAll returns it, flagged deleted
    assert live["totalSize"] == 0
    assert everything["records"][0]["IsDeleted"] is True


def test_the_ledgerlink_soql_builder_is_understood(api, accounts):
    # Given a statement built by ledgerlink's client-side SOQL helpers
    since = datetime(2020, 1, 1, tzinfo=UTC)
    names_in = client_soql.in_list(["Acme", "O'Brien"])
    statement = client_soql.select(
        "Account",
        ["Id", "Name", "SystemModstamp"],
        f"SystemModstamp > {client_soql.quote(since)} AND Name IN {names_in}",
        "ORDER BY SystemModstamp, Id",
    )
    # When it is run
    body = query(api, statement)
    # Then it parses and matches
    assert names(body) == ["Acme"]


@pytest.mark.parametrize(
    ("soql", "code", "message_end"),
    [
        (
            "SELECT Id, FROM Account",
            "MALFORMED_QUERY",
            "ERROR at Row:1:Column:12\nunexpected token: 'FROM'",
        ),
        ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY", "unexpected token: '<EOF>'"),
        (
            "SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
        ),
        (
            "SELECT Nmae FROM Account",
            "INVALID_FIELD",
            "No such column 'Nmae' on entity 'Account'. If you are attempting to use a custom "
            "field, be sure to append the '__c' after the custom field name. Please reference "
            "your WSDL or the describe call for the appropriate names.",
        ),
        (
            "SELECT Acount.Name FROM Contact",
            "INVALID_FIELD",
            "Didn't understand relationship 'Acount' in field path. If you are attempting to "
            "use a custom relationship, be sure to append the '__r' after the custom "
            "relationship name. Please reference your WSDL or the describe call for the "
            "appropriate names.",
        ),
        (
            "SELECT Id FROM Acount",
            "INVALID_TYPE",
            "sObject type 'Acount' is not supported. If you are attempting to use a custom "
            "object, be sure to append the '__c' after the entity name. Please reference your "
            "WSDL or the describe call for the appropriate names.",
        ),
        (
            "SELECT Id FROM Account WHERE Id = 'abc'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: abc",
        ),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate = '2024-01-01'",
            "INVALID_FIELD",
            "value of filter criterion for field 'CloseDate' must be of type date and should "
            "not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Account WHERE Name = 5",
            "INVALID_FIELD",
            "value of filter criterion for field 'Name' must be of type string and should be "
            "enclosed in quotes",
        ),
    ],
)
def test_query_errors(api, soql, code, message_end):
    # Given a statement the platform refuses
    # When it is run
    answer = api.get(f"{DATA}/query", params={"q": soql})
    # Then the error carries the query line, a caret, the position and the reason
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["errorCode"] == code
    assert error["message"].startswith(f"\n{soql}\n")
    assert error["message"].endswith(message_end)


def test_caret_points_at_the_offending_token(api):
    # Given a bad column in a query
    soql = "SELECT Id, Nmae FROM Account"
    # When it is run
    message = error_of(api.get(f"{DATA}/query", params={"q": soql}))["message"]
    # Then the caret sits under the column and Column counts from 1
    _, line, caret, where, _ = message.split("\n", 4)
    assert line == soql
    assert caret == "           ^"
    assert where == "ERROR at Row:1:Column:12"
