"""The conformance suite for batched writes: every connector's ``write_many`` answers each
record on its own, in order, in as few requests as its API allows, and a batch whose answer
was lost is retried without making any record twice."""

from __future__ import annotations

import math

from sandbox.emulators.faults import FaultRule
from shared.connectors.base import Write
from shared.errors import PermanentError
from shared.models.records import WriteResult
from tests.conformance.cases import Case, api_requests


def _create(case: Case, marker: str) -> Write:
    return Write(
        fields=case.record(marker),
        idempotency_key=f"batch-create-{marker}",
        external_key=case.external_key(marker),
    )


def test_creates_and_updates_are_answered_in_order_one_each(case: Case):
    # Given an existing record (which also signs the connector in)
    existing = case.create("1")
    before = len(api_requests(case))
    # When two creates and an update of the existing record go in one batch
    writes = [
        _create(case, "2"),
        Write(
            fields={case.name_field: "Renamed"},
            idempotency_key="batch-update-1",
            key=existing,
        ),
        _create(case, "3"),
    ]
    answers = case.connector.write_many(case.obj, writes)
    sent = len(api_requests(case)) - before
    # Then each write has its own result, in order: two new records and the updated one
    assert all(isinstance(a, WriteResult) for a in answers)
    results = [a for a in answers if isinstance(a, WriteResult)]
    assert [r.created for r in results] == [True, False, True]
    assert results[1].key == existing
    assert len(case.stored("2")) == 1
    assert len(case.stored("3")) == 1
    renamed = case.connector.fetch(case.obj, existing, case.fields)
    assert renamed is not None
    assert renamed.get(case.name_field) == "Renamed"
    # And the new records read back under the keys answered
    fetched = case.connector.fetch_many(case.obj, [results[0].key, results[2].key], case.fields)
    assert sorted(r.key for r in fetched) == sorted([results[0].key, results[2].key])
    # And it took as few requests as the API allows for creates and updates together
    assert sent == case.mixed_batch_requests


def test_one_refused_record_fails_alone(case: Case):
    # Given a batch whose middle record the system refuses (a required field is missing)
    writes = [
        _create(case, "4"),
        Write(fields=case.rejected, idempotency_key="batch-rejected"),
        _create(case, "5"),
    ]
    # When it is written
    answers = case.connector.write_many(case.obj, writes)
    # Then the refused record's answer is its permanent error, and the others are written
    assert isinstance(answers[0], WriteResult)
    assert isinstance(answers[1], PermanentError)
    assert answers[1].system == case.system
    assert isinstance(answers[2], WriteResult)
    assert len(case.stored("4")) == 1
    assert len(case.stored("5")) == 1
    assert case.waits == []


def test_a_batch_whose_answer_was_lost_is_retried_without_duplicates(case: Case):
    # Given the system will run the next batched create but its answer is lost
    case.emulator.faults.add(FaultRule(match=case.batch_target, kind="lose_response"))
    markers = ["6", "7", "8"]
    # When three records are written in one batch (the connector's policy retries)
    answers = case.connector.write_many(case.obj, [_create(case, m) for m in markers])
    # Then each exists exactly once, under the key answered, after one wait
    assert all(isinstance(a, WriteResult) for a in answers)
    assert [len(case.stored(m)) for m in markers] == [1, 1, 1]
    assert len(case.waits) == 1
    keys = [a.key for a in answers if isinstance(a, WriteResult)]
    fetched = case.connector.fetch_many(case.obj, keys, case.fields)
    assert sorted(r.key for r in fetched) == sorted(keys)


def test_a_batch_above_the_api_limit_is_split_into_as_few_requests_as_fit(case: Case):
    # Given a signed-in connector and one record more than one request takes
    case.create("0")
    count = case.batch_limit + 1
    writes = [_create(case, f"n{i}") for i in range(count)]
    before = len(api_requests(case))
    # When they are written
    answers = case.connector.write_many(case.obj, writes)
    # Then every one is created, in ceil(N / limit) requests
    assert all(isinstance(a, WriteResult) and a.created for a in answers)
    assert len(api_requests(case)) - before == math.ceil(count / case.batch_limit)
    assert len({a.key for a in answers if isinstance(a, WriteResult)}) == count


def test_an_empty_batch_sends_nothing(case: Case):
    # Given a connector
    before = len(api_requests(case))
    # When nothing is written
    # Then nothing is answered and nothing is sent
    assert case.connector.write_many(case.obj, []) == []
    assert len(api_requests(case)) == before
