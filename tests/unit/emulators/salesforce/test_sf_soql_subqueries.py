"""Parent-to-child subqueries and ORDER BY null placement, from the SOQL and SOSL
Reference ("Relationship Queries", "Using Relationship Queries", "ORDER BY")."""

from __future__ import annotations

import httpx
import pytest

from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, query


@pytest.fixture
def accounts(api: httpx.Client) -> dict[str, str]:
    """Acme with two contacts and an opportunity, Beta with none."""
    acme = create(api, "Account", Name="Acme", Industry="Banking")
    beta = create(api, "Account", Name="Beta")
    create(api, "Contact", LastName="Zed", AccountId=acme)
    create(api, "Contact", LastName="Adams", FirstName="Ann", AccountId=acme)
    create(
        api,
        "Opportunity",
        Name="Deal",
        StageName="Prospecting",
        CloseDate="2024-01-01",
        AccountId=acme,
    )
    return {"Acme": acme, "Beta": beta}


def test_children_come_back_nested_or_null(api, accounts):
    # Given an account with contacts and one without
    # When read with the reference's "SELECT Name, (SELECT LastName FROM Contacts) FROM Account"
    body = query(api, "SELECT Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name")
    acme, beta = body["records"]
    # Then each parent carries its children as a nested query result, or null
    assert acme["Contacts"]["totalSize"] == 2
    assert acme["Contacts"]["done"] is True
    assert sorted(c["LastName"] for c in acme["Contacts"]["records"]) == ["Adams", "Zed"]
    first = acme["Contacts"]["records"][0]
    assert first["attributes"]["type"] == "Contact"
    assert first["attributes"]["url"].startswith(f"{DATA}/sobjects/Contact/003")
    assert list(first) == ["attributes", "LastName"]
    assert beta["Contacts"] is None
    assert list(acme) == ["attributes", "Name", "Contacts"]
    assert body["totalSize"] == 2


def test_a_subquery_filters_orders_and_limits_its_children(api, accounts):
    # Given Acme's two contacts
    # When the subquery has its own WHERE, ORDER BY and LIMIT, beside another subquery
    body = query(
        api,
        "SELECT Name, (SELECT LastName, Account.Name FROM Contacts WHERE LastName != 'x' "
        "ORDER BY LastName DESC LIMIT 1), (SELECT Name FROM Opportunities) "
        "FROM Account WHERE Name = 'Acme'",
    )
    (acme,) = body["records"]
    # Then only the chosen child comes back, with its parent path, and both lists are there
    contacts = acme["Contacts"]["records"]
    assert [c["LastName"] for c in contacts] == ["Zed"]
    assert contacts[0]["Account"]["Name"] == "Acme"
    assert acme["Contacts"]["totalSize"] == 1
    assert [o["Name"] for o in acme["Opportunities"]["records"]] == ["Deal"]


def test_custom_child_relationships_use_their_r_names(api):
    # Given an Intacct contract with one line
    contract = create(api, "Intacct_Contract__c", Name="C-1", Intacct_Contract_ID__c="C-1")
    create(
        api,
        "Intacct_Contract_Line__c",
        Name="L-1",
        Intacct_Contract__c=contract,
        Intacct_Line_Key__c="L-1",
    )
    # When read through the relationship name the describe declares
    body = query(
        api, "SELECT Name, (SELECT Name FROM Intacct_Contract_Lines__r) FROM Intacct_Contract__c"
    )
    # Then the line comes back nested under that name
    (record,) = body["records"]
    assert [r["Name"] for r in record["Intacct_Contract_Lines__r"]["records"]] == ["L-1"]


def test_describe_declares_the_child_relationships_subqueries_use(api):
    # Given the Account object
    # When it is described
    children = api.get(f"{DATA}/sobjects/Account/describe").json()["childRelationships"]
    by_name = {c["relationshipName"]: c for c in children if c["relationshipName"]}
    # Then Contacts is Contact.AccountId, deleted with its account
    assert by_name["Contacts"] == {
        "cascadeDelete": True,
        "childSObject": "Contact",
        "deprecatedAndHidden": False,
        "field": "AccountId",
        "junctionIdListNames": [],
        "junctionReferenceTo": [],
        "relationshipName": "Contacts",
        "restrictedDelete": False,
    }
    assert {"Contacts", "Opportunities", "Contracts", "Intacct_Contracts__r"} <= set(by_name)


def test_an_unknown_child_relationship_is_refused(api):
    # Given a misspelt relationship
    soql = "SELECT Name, (SELECT LastName FROM Contactz) FROM Account"
    # When queried
    answer = api.get(f"{DATA}/query", params={"q": soql})
    # Then the platform's INVALID_TYPE message names it
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["errorCode"] == "INVALID_TYPE"
    assert error["message"].endswith(
        "Didn't understand relationship 'Contactz' in FROM part of query call. If you are "
        "attempting to use a custom relationship, be sure to append the '__r' after the "
        "custom relationship name. Please reference your WSDL or the describe call for the "
        "appropriate names."
    )


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("Industry", [None, "Banking", "Retail"]),
        ("Industry ASC NULLS LAST", ["Banking", "Retail", None]),
        ("Industry DESC", ["Retail", "Banking", None]),
        ("Industry DESC NULLS FIRST", [None, "Retail", "Banking"]),
    ],
)
def test_nulls_sort_first_ascending_and_last_descending(api, order, expected):
    # Given accounts with and without an industry
    for name, industry in [("A", "Retail"), ("B", None), ("C", "Banking")]:
        create(api, "Account", Name=name, **({"Industry": industry} if industry else {}))
    # When ordered with and without NULLS FIRST|LAST
    body = query(api, f"SELECT Industry FROM Account ORDER BY {order}")
    # Then nulls lead ascending and trail descending unless told otherwise
    assert [r["Industry"] for r in body["records"]] == expected


def test_fields_functions_select_the_objects_fields(api, accounts):
    # Given accounts, Acme with contacts
    described = api.get(f"{DATA}/sobjects/Account/describe").json()["fields"]
    every = [f["name"] for f in described]
    custom = [f["name"] for f in described if f["custom"]]
    # When read with the reference's FIELDS() examples
    standard = query(api, "SELECT FIELDS(STANDARD) FROM Account WHERE Name = 'Acme'")
    everything = query(api, "SELECT FIELDS(ALL) FROM Account ORDER BY Name LIMIT 200")
    own = query(
        api,
        "SELECT Name, FIELDS(CUSTOM), (SELECT FIELDS(STANDARD) FROM Contacts) "
        "FROM Account WHERE Name = 'Acme' LIMIT 1",
    )
    # Then each names the fields of its kind, in describe order
    assert list(standard["records"][0]) == ["attributes", *(n for n in every if n not in custom)]
    assert list(everything["records"][0]) == ["attributes", *every]
    assert list(own["records"][0]) == ["attributes", "Name", *custom, "Contacts"]
    assert own["records"][0]["Contacts"]["totalSize"] == 2


def test_unbounded_fields_functions_need_a_limit(api):
    # Given FIELDS(ALL) without a LIMIT
    soql = "SELECT FIELDS(ALL) FROM Account"
    # When queried
    error = error_of(api.get(f"{DATA}/query", params={"q": soql}))
    # Then the platform's limit rule is quoted
    assert error["errorCode"] == "MALFORMED_QUERY"
    assert error["message"].endswith("The SOQL FIELDS function must have a LIMIT of at most 200")
