"""Several SOQL queries in Composite requests (``SalesforceConnector.query_each``): up to
five a request (REST API Developer Guide, "Composite": at most five query or collection
subrequests; the whole request is one API call), each read to its last page."""

from __future__ import annotations

from datetime import timedelta

from shared.connectors.base import RetrySettings
from tests.conformance.cases import salesforce_case


def test_six_queries_take_two_calls_and_each_reads_every_page() -> None:
    # Given five accounts, in an org that pages query results by two
    case = salesforce_case(RetrySettings(sleep=lambda _: None), [])
    for n in range(5):
        case.create(str(n))
    before = len(case.requests)
    # When six queries are asked for together: the accounts (three pages), and five others
    statements = ["SELECT Id, Name FROM Account ORDER BY Name"] + [
        f"SELECT Id FROM Account WHERE Intacct_Customer_ID__c = 'C-{n}'" for n in range(5)
    ]
    rows = case.connector.query_each(statements)
    # Then each query answered all its rows, in order
    assert [r["Name"] for r in rows[0]] == [f"Customer {n}" for n in range(5)]
    assert [len(found) for found in rows[1:]] == [1] * 5
    # And it took two Composite calls, and the first query's two further pages
    paths = [r.url.path.rsplit("/", 1)[-1] for r in case.requests[before:]]
    assert paths.count("composite") == 2
    assert len(paths) == 4


def test_changed_since_each_answers_each_object_its_records() -> None:
    # Given two accounts made five seconds apart
    case = salesforce_case(RetrySettings(sleep=lambda _: None), [])
    old = case.create("1")
    case.emulator.advance_clock(timedelta(seconds=5))
    case.create("2")
    first = case.connector.fetch("Account", old, ["Name"])
    assert first is not None
    assert first.modified_at is not None
    since = first.modified_at
    # When the changes since after the first are asked for, beside all of them
    later, every = case.connector.changed_since_each(
        [("Account", since + timedelta(seconds=1), ["Name"]), ("Account", None, ["Name"])]
    )
    # Then each answer holds its records, as the connector's records
    assert [r.get("Name") for r in later] == ["Customer 2"]
    assert [r.get("Name") for r in every] == ["Customer 1", "Customer 2"]
