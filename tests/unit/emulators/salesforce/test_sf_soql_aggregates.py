"""SOQL aggregate queries, from the SOQL and SOSL Reference's examples ("Aggregate
Functions", "GROUP BY", "HAVING", "Using Aliases with GROUP BY") run on the objects the
emulator serves (Lead examples on Account)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, query

AGGREGATE = {"type": "AggregateResult"}


@pytest.fixture
def opportunities(api: httpx.Client) -> dict[str, str]:
    """Two accounts; Acme has three opportunities (one without an amount), Beta one."""
    acme = create(api, "Account", Name="Acme", Industry="Banking")
    beta = create(api, "Account", Name="Beta", Industry="Banking")
    create(api, "Account", Name="Gamma", Industry="Retail")
    create(api, "Account", Name="Delta")
    for name, account, amount, close in [
        ("Big", acme, 1000.50, "2024-03-01"),
        ("Small", acme, 99.50, "2024-01-15"),
        ("Unpriced", acme, None, "2024-06-30"),
        ("Other", beta, 400, "2024-02-01"),
    ]:
        fields: dict[str, Any] = {"Name": name, "StageName": "Prospecting", "CloseDate": close}
        if amount is not None:
            fields["Amount"] = amount
        create(api, "Opportunity", AccountId=account, **fields)
    return {"Acme": acme, "Beta": beta}


def test_count_alone_answers_only_the_total(api, opportunities):
    # Given four opportunities
    # When counted with COUNT() (the documented "SELECT COUNT() FROM Contact" shape)
    body = query(api, "SELECT COUNT() FROM Opportunity")
    # Then totalSize is the count and there are no records
    assert body == {"totalSize": 4, "done": True, "records": []}


def test_count_of_a_field_is_an_aggregate_result(api, opportunities):
    # Given four opportunities, three with an amount
    # When counted by Id and by Amount ("SELECT COUNT(Id) FROM Account WHERE Name LIKE 'a%'")
    by_id = query(api, "SELECT COUNT(Id) FROM Account WHERE Name LIKE 'a%'")
    by_amount = query(api, "SELECT COUNT(Amount) FROM Opportunity")
    # Then one AggregateResult row comes back, the count named expr0 (nulls not counted)
    assert by_id == {
        "totalSize": 1,
        "done": True,
        "records": [{"attributes": AGGREGATE, "expr0": 1}],
    }
    assert by_amount["records"] == [{"attributes": AGGREGATE, "expr0": 3}]


def test_group_by_counts_each_value_and_null(api, opportunities):
    # Given accounts in two industries and one without
    # When grouped ("SELECT LeadSource, COUNT(Name) FROM Lead GROUP BY LeadSource")
    body = query(api, "SELECT Industry, COUNT(Name) FROM Account GROUP BY Industry")
    # Then each industry, null included, has its row
    assert body["records"] == [
        {"attributes": AGGREGATE, "Industry": None, "expr0": 1},
        {"attributes": AGGREGATE, "Industry": "Banking", "expr0": 2},
        {"attributes": AGGREGATE, "Industry": "Retail", "expr0": 1},
    ]
    assert body["totalSize"] == 3
    assert "nextRecordsUrl" not in body


def test_aliases_and_implied_expr_names(api, opportunities):
    # Given opportunities with amounts
    # When aggregated with the reference's alias example
    body = query(
        api,
        "SELECT Name, MAX(Amount), MIN(Amount) min, SUM(Amount) FROM Opportunity "
        "WHERE Name = 'Big' GROUP BY Name",
    )
    # Then unaliased aggregates are expr0, expr1 in order and aliases keep their names
    assert body["records"] == [
        {"attributes": AGGREGATE, "Name": "Big", "expr0": 1000.5, "min": 1000.5, "expr1": 1000.5}
    ]
    assert list(body["records"][0]) == ["attributes", "Name", "expr0", "min", "expr1"]


def test_group_by_a_parent_field_with_sum_avg_min_max(api, opportunities):
    # Given opportunities of two accounts
    # When rolled up by the account's name ("SELECT Account.Name n, MAX(Amount) max ...")
    body = query(
        api,
        "SELECT Account.Name n, SUM(Amount) total, AVG(Amount), MAX(CloseDate) latest, "
        "MIN(Amount) FROM Opportunity GROUP BY Account.Name ORDER BY Account.Name",
    )
    # Then each account's figures are exact (nulls ignored, AVG over the amounts present)
    assert body["records"] == [
        {
            "attributes": AGGREGATE,
            "n": "Acme",
            "total": 1100.0,
            "expr0": 550.0,
            "latest": "2024-06-30",
            "expr1": 99.5,
        },
        {
            "attributes": AGGREGATE,
            "n": "Beta",
            "total": 400.0,
            "expr0": 400.0,
            "latest": "2024-02-01",
            "expr1": 400.0,
        },
    ]


def test_a_grouped_parent_field_without_alias_is_named_by_its_field(api, opportunities):
    # Given opportunities of two accounts
    # When grouped by Account.Name without an alias
    body = query(api, "SELECT Account.Name, COUNT(Id) FROM Opportunity GROUP BY Account.Name")
    # Then the column is the field's own name
    assert {r["Name"]: r["expr0"] for r in body["records"]} == {"Acme": 3, "Beta": 1}


def test_count_distinct_and_aggregates_over_no_rows(api, opportunities):
    # Given accounts in two industries (one account has none)
    # When distinct industries are counted, and an empty set is summed
    distinct = query(api, "SELECT COUNT_DISTINCT(Industry) FROM Account")
    empty = query(api, "SELECT SUM(Amount), COUNT(Id) FROM Opportunity WHERE Name = 'None'")
    # Then nulls are not a value, and an empty set has one row of null sum and zero count
    assert distinct["records"] == [{"attributes": AGGREGATE, "expr0": 2}]
    assert empty["records"] == [{"attributes": AGGREGATE, "expr0": None, "expr1": 0}]


def test_having_filters_groups(api, opportunities):
    # Given two accounts with three and one opportunities
    # When only groups with more than one are kept (the reference's duplicate check)
    body = query(
        api,
        "SELECT AccountId, COUNT(Id) FROM Opportunity GROUP BY AccountId HAVING COUNT(Id) > 1",
    )
    by_field = query(
        api,
        "SELECT Industry, COUNT(Id) c FROM Account GROUP BY Industry "
        "HAVING Industry != null AND COUNT(Id) >= 1 ORDER BY COUNT(Id) DESC",
    )
    # Then only Acme's group remains; grouped fields can be filtered and ordered on too
    assert body["records"] == [
        {"attributes": AGGREGATE, "AccountId": opportunities["Acme"], "expr0": 3}
    ]
    assert [(r["Industry"], r["c"]) for r in by_field["records"]] == [
        ("Banking", 2),
        ("Retail", 1),
    ]


def test_limit_and_offset_apply_to_groups(api, opportunities):
    # Given three industry groups (null, Banking, Retail)
    # When paged
    body = query(
        api, "SELECT Industry FROM Account GROUP BY Industry ORDER BY Industry LIMIT 1 OFFSET 1"
    )
    # Then the window is over groups (GROUP BY without aggregates lists distinct values)
    assert body["records"] == [{"attributes": AGGREGATE, "Industry": "Banking"}]


@pytest.mark.parametrize(
    ("soql", "code", "message_end"),
    [
        (
            "SELECT Name, COUNT(Id) FROM Account",
            "MALFORMED_QUERY",
            "Field must be grouped or aggregated: Name",
        ),
        (
            "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING Name = 'x'",
            "MALFORMED_QUERY",
            "Field must be grouped or aggregated: Name",
        ),
        (
            "SELECT SUM(Name) FROM Account",
            "INVALID_FIELD",
            "field Name does not support aggregate operator SUM",
        ),
        (
            "SELECT Name n FROM Account",
            "MALFORMED_QUERY",
            "Only aggregate expressions use field aliasing",
        ),
        ("SELECT COUNT(), Name FROM Account", "MALFORMED_QUERY", "unexpected token: 'COUNT'"),
        (
            "SELECT MAX(Nmae) FROM Account",
            "INVALID_FIELD",
            "No such column 'Nmae' on entity 'Account'. If you are attempting to use a custom "
            "field, be sure to append the '__c' after the custom field name. Please reference "
            "your WSDL or the describe call for the appropriate names.",
        ),
        (
            "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING COUNT(Id) > 'x'",
            "INVALID_FIELD",
            "value of filter criterion for field 'COUNT(Id)' must be of type int and should "
            "not be enclosed in quotes",
        ),
    ],
)
def test_aggregate_errors(api, soql, code, message_end):
    # Given an aggregate statement the platform refuses
    # When it is run
    answer = api.get(f"{DATA}/query", params={"q": soql})
    # Then the error names the cause, with the query line and a caret
    assert answer.status_code == 400, answer.text
    error = error_of(answer)
    assert error["errorCode"] == code
    assert error["message"].startswith(f"\n{soql}\n")
    assert error["message"].endswith(message_end)


def test_count_with_group_by_counts_the_groups(api, opportunities):
    # Given accounts in three industry groups (null, Banking, Retail)
    # When COUNT() is grouped
    body = query(api, "SELECT COUNT() FROM Account GROUP BY Industry")
    # Then totalSize is the number of groups, with no records
    assert body == {"totalSize": 3, "done": True, "records": []}


def test_a_field_selected_twice_is_refused(api):
    # Given a statement naming a field twice
    soql = "SELECT Name, name FROM Account"
    # When it is run
    error = error_of(api.get(f"{DATA}/query", params={"q": soql}))
    # Then the duplicate is named as written
    assert error["errorCode"] == "MALFORMED_QUERY"
    assert error["message"].endswith("duplicate field selected: name")
