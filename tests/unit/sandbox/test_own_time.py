"""The bench's clock of ledgerlink's own CPU time: what it counts, what it leaves out (a
clock the test moves by hand stands in for the thread's CPU clock)."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import boto3
import httpx
from moto import mock_aws

from sandbox.bench.aws_meter import AwsMeter
from sandbox.bench.own_time import OwnTime
from sandbox.bench.saas_meter import SaasMeter


class HandClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_only_ledgerlink_code_outside_its_requests_is_counted() -> None:
    clock = HandClock()
    own = OwnTime(clock)
    # Given 5 s of the sandbox's own work before ledgerlink runs
    clock.now += 5
    with own.ours():
        # When its code runs 3 s, waits 10 s on a request, runs 2 s more
        clock.now += 3
        token = own.enter(ours=False)
        clock.now += 10
        own.leave(token)
        clock.now += 2
    clock.now += 7  # and the sandbox works on afterwards
    # Then only its own 5 s are counted
    assert own.seconds == 5


def test_ledgerlink_reached_from_inside_a_request_counts_again() -> None:
    clock = HandClock()
    own = OwnTime(clock)
    # Given a request made outside ledgerlink (a system delivering to ledgerlink's API)
    token = own.enter(ours=False)
    clock.now += 4
    # When the API's function runs 6 s inside it
    with own.ours():
        clock.now += 6
    clock.now += 1
    own.leave(token)
    # Then the function's 6 s count
    assert own.seconds == 6


def test_a_request_that_never_answered_hides_no_time_after_its_caller_returned() -> None:
    clock = HandClock()
    own = OwnTime(clock)
    # Given a function whose request never reached its response (no leave)
    with own.ours():
        clock.now += 1
        own.enter(ours=False)
        clock.now += 2
    # When the next function runs 4 s
    with own.ours():
        clock.now += 4
    # Then those 4 s count (with the first function's 1 s)
    assert own.seconds == 5


def test_full_collections_inside_ledgerlink_code_are_left_out_young_ones_are_not() -> None:
    clock = HandClock()
    own = OwnTime(clock)
    with own.ours():
        clock.now += 1
        # Given a full collection of 8 s while ledgerlink's code runs
        own._on_collection("start", {"generation": 2})
        clock.now += 8
        own._on_collection("stop", {"generation": 2})
        # and a young one of 2 s
        own._on_collection("start", {"generation": 0})
        clock.now += 2
        own._on_collection("stop", {"generation": 0})
    # Then the full one is not ledgerlink's, the young one is
    assert own.seconds == 3


def test_the_aws_meter_brackets_each_request_as_not_ledgerlinks() -> None:
    clock = HandClock()
    with mock_aws():
        meter = AwsMeter()
        meter.own = OwnTime(clock)
        meter.install()
        try:
            sqs = boto3.client("sqs")
            # Given a request that takes 100 s inside botocore and moto
            sqs.meta.events.register("before-send.sqs.*", lambda **_: _advance(clock, 100))
            with meter.own.ours():
                clock.now += 1
                # When a function makes it (and fails one: no such queue)
                sqs.create_queue(QueueName="q")
                with contextlib.suppress(sqs.exceptions.QueueDoesNotExist):
                    sqs.get_queue_url(QueueName="missing")
                clock.now += 2
        finally:
            meter.uninstall()
    # Then only the function's own 3 s count, and both requests were counted as AWS's
    assert meter.own.seconds == 3
    assert meter.totals.of("sqs") == 2


def test_the_saas_meter_brackets_requests_to_systems_but_not_to_ledgerlinks_api() -> None:
    clock = HandClock()
    own = OwnTime(clock)

    def answer(request: httpx.Request) -> httpx.Response:
        clock.now += 50 if request.url.host == "crm.test" else 0
        if request.url.host == "api.test":  # ledgerlink's API: its function runs 4 s
            with own.ours():
                clock.now += 4
        return httpx.Response(200, json={})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    world = SimpleNamespace(
        urls=SimpleNamespace(systems={"crm": "https://crm.test"}, api="https://api.test"),
        http=http,
    )
    meter = SaasMeter(world, own)  # type: ignore[arg-type]
    # Given a function of 1 s that reads the CRM (50 s there)
    with own.ours():
        clock.now += 1
        http.get("https://crm.test/records")
    # When the CRM then calls ledgerlink's API
    http.post("https://api.test/webhook")
    # Then the function's 1 s and the API's 4 s count, the CRM's 50 s do not
    assert own.seconds == 5
    assert meter.requests["crm"] == 1
    assert meter.requests["api_gateway"] == 1


def _advance(clock: HandClock, seconds: float) -> None:
    clock.now += seconds
