"""Pacing calls to one API account across containers: the shared pace in the state table
(moto), two containers' pacers on one simulated clock."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from sandbox.aws import create_tables
from shared.errors import RateLimitedError
from shared.pacing import Pacer
from shared.state.paces import PaceStore
from shared.topology import STATE_TABLE


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def store() -> Iterator[PaceStore]:
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        yield PaceStore(boto3.resource("dynamodb").Table(STATE_TABLE.name))


def _container(store: PaceStore, clock: Clock) -> Pacer:
    return Pacer(store, clock=clock, sleep=clock.sleep, max_wait_s=600)


def test_two_containers_stay_under_the_accounts_limit_together(store):
    # Given two containers pacing calls to one account limited to 100 calls a minute
    clock = Clock()
    containers = [_container(store, clock), _container(store, clock)]
    # When they make 300 calls between them, in turns
    times: list[float] = []
    for call in range(300):
        containers[call % 2].before_call("books#1", 100)
        times.append(clock.now)
    # Then no minute holds more than 100 of them, and the calls were not slowed below 80 a
    # minute
    busiest = max(bisect_left(times, t + 60) - i for i, t in enumerate(times))
    assert busiest <= 100
    assert times[-1] - times[0] <= 300 / 80 * 60
    # And the pace was kept with a conditional write per block of five calls (twice where the
    # other container had moved it meanwhile), not one per call
    writes = sum(c.writes for c in containers)
    assert 300 / 5 <= writes <= 2 * 300 / 5


def test_a_wait_longer_than_allowed_is_not_waited_but_answered_as_a_rate_limit(store):
    # Given a container that may wait 5 s at most, after a minute's calls were taken
    clock = Clock()
    busy = _container(store, clock)
    for _ in range(20):
        busy.before_call("books#1", 10)
    patient = Pacer(store, clock=clock, sleep=clock.sleep, max_wait_s=5)
    before = clock.now
    # When it asks for the next call
    # Then it is told to come back later, with the wait, and did not sleep
    with pytest.raises(RateLimitedError) as limited:
        patient.before_call("books#1", 10)
    assert limited.value.retry_after_s is not None
    assert limited.value.retry_after_s > 5
    assert clock.now == before


def test_accounts_are_paced_apart(store):
    # Given one container calling two accounts
    clock = Clock()
    pacer = _container(store, clock)
    # When it calls each as often as its limit allows in a burst
    for _ in range(5):
        pacer.before_call("books#1", 100)
        pacer.before_call("books#2", 100)
    # Then neither waited for the other
    assert clock.now == 1_800_000_000.0
    assert store.due("books#1") is not None
    assert store.due("books#2") is not None
