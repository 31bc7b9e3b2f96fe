"""Batching decisions of the two connectors: how a record's own failure in a batch is typed,
how key lists are cut to fit a request, and an Intacct update whose function already ran."""

from __future__ import annotations

from urllib.parse import quote_plus

import pytest

from shared.connectors.base import ApiError, RetrySettings, Write
from shared.connectors.intacct.errors import function_error
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.errors import record_error
from shared.connectors.salesforce.models import SaveError
from shared.errors import (
    DependencyPendingError,
    NotFoundError,
    RateLimitedError,
    RecordRejectedError,
    RetryableError,
)
from shared.models.records import WriteResult
from tests.conformance.cases import intacct_case


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("UNABLE_TO_LOCK_ROW", RetryableError),
        ("REQUEST_LIMIT_EXCEEDED", RateLimitedError),
        ("FIELD_CUSTOM_VALIDATION_EXCEPTION", RecordRejectedError),
        ("REQUIRED_FIELD_MISSING", RecordRejectedError),
        ("ENTITY_IS_DELETED", NotFoundError),
    ],
)
def test_a_salesforce_record_failure_is_typed_by_the_error_table(code: str, kind: type) -> None:
    # Given one record's errors in a collection answer
    errors = [SaveError(statusCode=code, message="it failed", fields=["Name"])]
    # When it is mapped
    error = record_error(errors)
    # Then its type follows the policy, it names the system and keeps the code's meaning
    assert type(error) is kind
    assert error.system == "salesforce"
    if isinstance(error, RecordRejectedError):
        assert error.code == code
        assert "[Name]" in error.detail


@pytest.mark.parametrize(
    ("code", "kind"),
    [("GW-0010", RateLimitedError), ("BL34000061", RecordRejectedError)],
)
def test_an_intacct_function_failure_is_typed_by_the_error_table(code: str, kind: type) -> None:
    # Given one function's error in a request of several
    # When it is mapped
    error = function_error(ApiError(None, code, "it failed"))
    # Then its type follows the policy and it names the system
    assert type(error) is kind
    assert error.system == "intacct"


def test_soql_in_lists_are_cut_to_fit_the_url() -> None:
    # Given 500 eighteen-character ids and a budget far below what they need together
    ids = [f"001000000000{i:03d}AAA" for i in range(500)]
    # When the IN queries are built
    statements = soql.select_in("Account", ["Id", "Name"], "Id", ids, max_encoded=2_000)
    # Then each fits the budget, and together they ask for every id exactly once, in order
    assert len(statements) > 1
    assert all(len(quote_plus(s)) <= 2_000 for s in statements)
    asked = [i for s in statements for i in ids if f"'{i}'" in s]
    assert asked == ids
    # And the default budget takes them in a single query
    assert len(soql.select_in("Account", ["Id"], "Id", ids)) == 1


def test_an_intacct_update_whose_function_already_ran_counts_as_done() -> None:
    # Given a customer, and an update of it already run under its idempotency key
    case = intacct_case(RetrySettings(sleep=lambda _: None), [])
    key = case.create("1")
    update = Write(fields={"NAME": "Renamed"}, idempotency_key="update-once", key=key)
    assert case.connector.write_many(case.obj, [update]) == [WriteResult(key=key)]
    # When the same update is sent again (a retried batch)
    again = case.connector.write_many(case.obj, [update, update])
    # Then it is answered done, and the system ran it once
    assert again == [WriteResult(key=key), WriteResult(key=key)]
    assert len(case.emulator.calls.writes("CUSTOMER")) == 2  # the create and one update


def test_intacct_creates_placed_in_an_entity_share_one_request_in_its_session() -> None:
    # Given three projects to create: two in entity UK, one at the top level
    case = intacct_case(RetrySettings(sleep=lambda _: None), [])
    writes = [
        Write(
            fields={
                "PROJECTID": f"P-{n}",
                "NAME": f"Project {n}",
                "PROJECTCATEGORY": "Contract",
                "MEGAENTITYID": entity,
            },
            idempotency_key=f"create-P-{n}",
        )
        for n, entity in enumerate(["UK", "", "UK"])
    ]
    before = len(case.requests)

    # When they are written as one batch
    answers = case.connector.write_many("PROJECT", writes)

    # Then each is created in its entity, and the creates went out in one request per entity
    assert [a.key for a in answers if isinstance(a, WriteResult)] == ["P-0", "P-1", "P-2"]
    placed = {r["PROJECTID"]: r["MEGAENTITYID"] or "" for r in case.emulator.records("PROJECT")}
    assert placed == {"P-0": "UK", "P-1": "", "P-2": "UK"}
    creates = [r for r in case.requests[before:] if b"<create>" in r.content]
    assert len(creates) == 2


def test_a_salesforce_record_naming_a_parent_not_there_yet_waits_for_it() -> None:
    # Given one record's error in a collection answer: its parent's external id is unknown
    errors = [
        SaveError(
            statusCode="INVALID_FIELD",
            message="Foreign key external ID: P-7 not found for field Intacct_Project_ID__c "
            "in entity Intacct_Project__c",
            fields=[],
        )
    ]
    # When it is mapped
    error = record_error(errors)
    # Then it waits for the parent (delivered again later), as a single write's would
    assert isinstance(error, DependencyPendingError)
