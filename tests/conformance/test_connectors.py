"""The conformance suite: every connector passes the same tests against its emulator.

Fetch one and many, a create whose answer was lost, changes since a cursor (in order, equal
stamps broken by a stable key), and the error-policy table: retryable, permanent,
rate-limited (waiting as the system says).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.emulators.faults import FaultRule
from shared.errors import PermanentError, RateLimitedError
from tests.conformance.cases import Case


def _keys(records: list) -> list[str]:
    return [r.key for r in records]


# -- reads ---------------------------------------------------------------------------------------


def test_fetch_one_reads_the_record_fresh(case: Case):
    # Given a record made through the connector
    key = case.create("1")
    # When it is fetched by its key
    record = case.connector.fetch(case.obj, key, case.fields)
    # Then it is that record, with its modification stamp
    assert record is not None
    assert record.key == key
    assert record.ref.system == case.system
    assert record.modified_at is not None
    # And a key no record has reads as None
    assert case.connector.fetch(case.obj, case.missing_key, case.fields) is None


def test_fetch_many_reads_several_records_in_one_call(case: Case):
    # Given three records
    keys = [case.create(marker) for marker in ("1", "2", "3")]
    before = len(case.emulator.calls.all())
    # When two of them and a missing key are fetched together
    records = case.connector.fetch_many(case.obj, [keys[2], keys[0], case.missing_key], case.fields)
    # Then the two are read, in one call to the system (one per key where its API has no
    # read of several), and the missing key is left out
    assert sorted(_keys(records)) == sorted([keys[2], keys[0]])
    assert len(case.emulator.calls.all()) - before == (1 if case.batch_reads else 3)
    assert case.connector.fetch_many(case.obj, [], case.fields) == []


# -- writes ----------------------------------------------------------------------------------------


def test_a_create_whose_answer_was_lost_still_makes_one_record(case: Case):
    # Given the system will run the next create but its answer is lost
    case.emulator.faults.add(FaultRule(match=case.create_target, kind="lose_response"))
    # When the connector creates the record (its own error policy retries)
    key = case.create("9")
    # Then exactly one record exists, it is the one answered, and the retry waited once
    stored = case.stored("9")
    assert len(stored) == 1
    assert len(case.waits) == 1
    fetched = case.connector.fetch(case.obj, key, case.fields)
    assert fetched is not None
    assert fetched.key == key


# -- changes since a cursor ------------------------------------------------------------------------


def test_changes_since_a_cursor_come_in_order_ties_broken_by_a_stable_key(case: Case):
    # Given records made in two bursts a minute apart, keys not in creation order
    first = [case.create(marker) for marker in ("13", "11", "12")]
    case.emulator.advance_clock(timedelta(minutes=1))
    second = [case.create(marker) for marker in ("15", "14")]
    # When every change is read, two to a page, and then the changes since the second burst
    everything = list(case.connector.changed_since(case.obj, None, case.fields, page_size=2))
    cursor = next(r.modified_at for r in everything if r.key == second[0])
    since = list(case.connector.changed_since(case.obj, cursor, case.fields, page_size=2))
    # Then both come oldest first, equal stamps ordered by the system's stable key
    order = [(r.modified_at, case.tie_key(r)) for r in everything]
    assert order == sorted(order)
    assert _keys(everything) == first + second
    assert _keys(since) == second
    # And where stamps are coarse the bursts really did share stamps
    stamps = [r.modified_at for r in everything]
    assert case.connector.unique_stamps == (len(set(stamps)) == len(stamps))


# -- the error-policy table ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_a_retryable_answer_is_retried_and_succeeds(case: Case, status: int):
    # Given a record, and a server error on the next read
    key = case.create("1")
    case.emulator.faults.add(FaultRule(match=case.read_target, kind="http_error", status=status))
    # When it is fetched
    record = case.connector.fetch(case.obj, key, case.fields)
    # Then the read was retried after one backoff and succeeded
    assert record is not None
    assert record.key == key
    assert case.waits == [case.settings.wait_min_s]


def test_a_timed_out_read_is_retried_and_succeeds(case: Case):
    # Given a record, and a gateway timeout on the next read
    key = case.create("1")
    case.emulator.faults.add(FaultRule(match=case.read_target, kind="timeout"))
    # When it is fetched
    record = case.connector.fetch(case.obj, key, case.fields)
    # Then it was retried once and read
    assert record is not None
    assert len(case.waits) == 1


def test_a_permanent_answer_raises_the_typed_error_at_once(case: Case):
    # Given a record the system refuses (a required field is missing)
    # When the connector creates it
    # Then the permanent typed error is raised after one call, without any wait
    with pytest.raises(PermanentError):
        case.connector.create(case.obj, case.rejected, idempotency_key="rejected-1")
    target = case.wire_object or case.obj
    refused = [c for c in case.emulator.calls.all() if c.op == "create" and c.target == target]
    assert [c.ok for c in refused] == [False]
    assert case.waits == []


def test_a_rate_limited_answer_waits_as_the_system_says(case: Case):
    # Given a record, and a rate limit on the next read asking for 7 seconds where the
    # system's wire can say so
    key = case.create("1")
    case.emulator.faults.add(FaultRule(match=case.read_target, kind="rate_limit", retry_after_s=7))
    # When it is fetched
    record = case.connector.fetch(case.obj, key, case.fields)
    # Then the connector waited the 7 seconds when told, else its own first backoff, and read
    assert record is not None
    expected = 7.0 if case.sends_retry_after else case.settings.wait_min_s
    assert case.waits == [expected]


def test_a_rate_limit_longer_than_the_bound_goes_back_to_the_caller(case: Case):
    if not case.sends_retry_after:
        pytest.skip(f"{case.system} says nothing about how long to wait")
    # Given a record, and a rate limit asking for ten minutes (beyond the 30 s bound)
    key = case.create("1")
    case.emulator.faults.add(
        FaultRule(match=case.read_target, kind="rate_limit", retry_after_s=600)
    )
    reads = len(case.emulator.calls.all())
    # When it is fetched
    # Then RateLimitedError carries the wait, at once: no sleep, no second attempt
    with pytest.raises(RateLimitedError) as raised:
        case.connector.fetch(case.obj, key, case.fields)
    assert raised.value.retry_after_s == 600
    assert case.waits == []
    assert len(case.emulator.calls.all()) == reads
    # And the next read, after the caller waited, goes through
    assert case.connector.fetch(case.obj, key, case.fields) is not None
