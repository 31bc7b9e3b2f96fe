"""A Salesforce collection write asking for its records back (``Write.read_back``): the
collection and a query of its records go in one Composite request (REST API Developer
Guide, "Composite": the whole series is one call toward the API limits)."""

from __future__ import annotations

from shared.connectors.base import RetrySettings, Write
from shared.errors import LedgerlinkError
from shared.models.records import WriteResult
from tests.conformance.cases import salesforce_case

FIELDS = ("Intacct_Customer_ID__c", "Name", "Phone")


def upsert(marker: str, **fields: str) -> Write:
    return Write(
        fields=fields,
        idempotency_key=f"upsert-{marker}",
        external_key=("Intacct_Customer_ID__c", f"C-{marker}"),
        read_back=FIELDS,
    )


def test_upserts_and_updates_answer_with_their_records_in_one_call_each() -> None:
    # Given a Salesforce org that pages query results by 200
    case = salesforce_case(RetrySettings(sleep=lambda _: None), [])
    case.emulator.query_batch_size = 200
    before = len(case.requests)
    # When two accounts are upserted by external id, one of them refused (no Name)
    made, refused = case.connector.write_many(
        "Account", [upsert("1", Name="Acme", Phone="+1 415 555 0100"), upsert("2", Phone="1")]
    )
    # Then the made one answers with its record as Salesforce holds it, the other its error
    assert isinstance(made, WriteResult)
    assert made.record is not None
    assert (made.record.key, made.record.get("Name")) == (made.key, "Acme")
    assert made.record.modified_at is not None
    assert isinstance(refused, LedgerlinkError)
    # When the made one is updated asking for its record too
    [updated] = case.connector.write_many(
        "Account",
        [
            Write(
                fields={"Phone": "+1 415 555 0199"},
                idempotency_key="u",
                key=made.key,
                read_back=FIELDS,
            )
        ],
    )
    # Then it answers with the record as updated
    assert isinstance(updated, WriteResult)
    assert updated.record is not None
    assert updated.record.get("Phone") == "+1 415 555 0199"
    # And each write was one Composite request, the read inside it
    sent = case.requests[before:]
    assert [
        (r.method, r.url.path.rsplit("/", 1)[-1]) for r in sent if "oauth2" not in r.url.path
    ] == [
        ("POST", "composite"),
        ("POST", "composite"),
    ]


def test_a_write_not_asking_or_a_read_past_one_page_answers_without_records() -> None:
    # Given an org that pages query results by two
    case = salesforce_case(RetrySettings(sleep=lambda _: None), [])
    case.emulator.query_batch_size = 2
    # When three accounts are upserted asking for their records (more than one page), and
    # one without asking
    answers = case.connector.write_many(
        "Account", [upsert(str(n), Name=f"Customer {n}") for n in range(3)]
    )
    [plain] = case.connector.write_many(
        "Account",
        [
            Write(
                fields={"Name": "Plain"},
                idempotency_key="p",
                external_key=("Intacct_Customer_ID__c", "C-9"),
            )
        ],
    )
    # Then every record was written, and none answers with a record (the caller reads them)
    assert all(isinstance(a, WriteResult) and a.record is None for a in answers)
    assert isinstance(plain, WriteResult)
    assert plain.record is None
    written = {r["Intacct_Customer_ID__c"] for r in case.emulator.records("Account")}
    assert {"C-0", "C-1", "C-2", "C-9"} <= written
