"""Every external call is bounded by the invocation's deadline, and Salesforce's token answers
go through the error policy (a login rate limit waits, refused credentials do not). The
clock is a counter the recorded sleeps move on: nothing really waits."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from shared import deadlines
from shared.connectors.base import (
    ApiError,
    Disposition,
    ErrorPolicy,
    ErrorRule,
    PolicyRunner,
    RetrySettings,
)
from shared.connectors.salesforce.client import SalesforceClient
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings
from shared.errors import (
    AuthenticationError,
    DeadlineExceededError,
    RateLimitedError,
    RecordRejectedError,
    TransportError,
)
from shared.models.connection import Connection

POLICY = ErrorPolicy(
    rules=(
        ErrorRule(Disposition.RATE_LIMITED, status=429),
        ErrorRule(Disposition.RETRY, status=503),
    )
)


class FakeTime:
    """A monotonic clock that only the recorded sleeps move."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class Calls:
    """A call that answers each outcome in turn (an exception raises), and takes ``cost_s``
    of the fake time per attempt."""

    def __init__(self, time: FakeTime, *outcomes: object, cost_s: float = 0.0) -> None:
        self.time = time
        self.outcomes = list(outcomes)
        self.cost_s = cost_s
        self.calls = 0

    def __call__(self) -> object:
        outcome = self.outcomes[min(self.calls, len(self.outcomes) - 1)]
        self.calls += 1
        self.time.now += self.cost_s
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _runner(time: FakeTime, attempts: int = 4) -> PolicyRunner:
    settings = RetrySettings(
        attempts=attempts,
        wait_min_s=1.0,
        wait_max_s=8.0,
        rate_limit_wait_max_s=30.0,
        sleep=time.sleep,
        min_attempt_s=0.5,
    )
    return PolicyRunner("erp", POLICY, lambda: None, _permanent, settings)


def _permanent(exc: ApiError) -> Exception:
    return RecordRejectedError("erp", exc.message, exc.code)


def test_no_attempt_starts_when_the_invocation_has_no_time_left():
    # Given an invocation with 0.2 s left
    time = FakeTime()
    call = Calls(time, "ok")
    # When a call is asked for
    with (
        deadlines.bounded(deadlines.Deadline.after(0.2, time)),
        pytest.raises(DeadlineExceededError) as raised,
    ):
        _runner(time).run(call)
    # Then nothing was sent, and the error says which system it was for
    assert call.calls == 0
    assert raised.value.system == "erp"


def test_no_wait_is_begun_that_would_end_past_the_deadline():
    # Given a system answering 503, each attempt taking 1 s, and 4 s left in the invocation
    time = FakeTime()
    call = Calls(time, ApiError(503, None, "busy"), cost_s=1.0)
    # When the call runs (backoff 1 s, then 2 s, then 4 s)
    with (
        deadlines.bounded(deadlines.Deadline.after(4.0, time)),
        pytest.raises(TransportError) as raised,
    ):
        _runner(time).run(call)
    # Then it stopped after the waits that fit: 1 s attempt, 1 s wait, 1 s attempt; a 2 s wait
    # and another attempt would end past the deadline
    assert call.calls == 2
    assert time.waits == [1.0]
    assert time.now <= 104.0
    assert raised.value.system == "erp"


def test_a_retry_after_longer_than_the_time_left_goes_back_to_the_caller_unslept():
    # Given a rate limit asking for 20 s (within the runner's bound), with 10 s left
    time = FakeTime()
    call = Calls(time, ApiError(429, None, "slow down", retry_after_s=20.0), "ok")
    # When the call runs
    with (
        deadlines.bounded(deadlines.Deadline.after(10.0, time)),
        pytest.raises(RateLimitedError) as raised,
    ):
        _runner(time).run(call)
    # Then it did not wait, and the caller learns how long the system asked for
    assert time.waits == []
    assert raised.value.retry_after_s == 20.0


def test_without_a_deadline_the_attempts_bound_the_call():
    # Given no invocation deadline (a script, a test)
    time = FakeTime()
    call = Calls(time, ApiError(503, None, "busy"), "ok")
    # When the call runs
    result = _runner(time).run(call)
    # Then the ordinary retry policy applies
    assert result == "ok"
    assert time.waits == [1.0]


def test_the_sooner_of_two_deadlines_holds():
    time = FakeTime()
    with deadlines.bounded(deadlines.Deadline.after(5.0, time)):
        with deadlines.bounded(deadlines.Deadline.after(50.0, time)) as inner:
            assert inner is not None
            assert inner.remaining_s() == 5.0
        with deadlines.bounded(deadlines.Deadline.after(1.0, time)) as inner:
            assert inner is not None
            assert inner.remaining_s() == 1.0
    assert deadlines.current() is None


def test_each_http_request_waits_at_most_the_time_left():
    # Given a client whose requests may take 20 s, inside an invocation with 3 s left
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(204)

    client = httpx.Client(
        transport=httpx.MockTransport(handler),
        timeout=20.0,
        event_hooks={"request": [deadlines.cap_request_timeout]},
    )
    # When it sends one request inside the deadline and one outside
    with deadlines.bounded(deadlines.Deadline.after(3.0)):
        client.get("https://erp.example/ping")
    client.get("https://erp.example/ping")
    # Then the first waits at most 3 s at every stage, the second its configured 20 s
    assert all(0 < value <= 3.0 for value in seen[0].values())
    assert set(seen[1].values()) == {20.0}


def test_the_invocation_deadline_keeps_a_reserve():
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 10_000

    deadline = deadlines.of_invocation(Context(), reserve_s=2.0)
    assert deadline is not None
    assert 7.5 < deadline.remaining_s() <= 8.0
    assert deadlines.of_invocation(None) is None


# -- Salesforce's token endpoint under the error policy (issue 10, defect 3) ---------------


def _token_then_limits(*token_answers: httpx.Response):
    answers = iter(token_answers)
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("/oauth2/token"):
            return next(answers)
        return httpx.Response(200, json={"DailyApiRequests": {"Max": 15000, "Remaining": 14999}})

    return handler, calls


def _client(connection: Connection, handler, waits: list[float]) -> SalesforceClient:
    assert isinstance(connection.crm, SalesforceSettings)
    return SalesforceClient(
        httpx.Client(transport=httpx.MockTransport(handler)),
        connection.crm,
        SalesforceSecrets(client_secret=SecretStr("s")),
        RetrySettings(attempts=4, wait_min_s=0.1, wait_max_s=0.2, sleep=waits.append),
    )


LOGIN_RATE = {"error": "invalid_grant", "error_description": "login rate exceeded"}
TOKEN = {"access_token": "tok", "instance_url": "https://acme.my.salesforce.com"}


def test_a_login_rate_limit_backs_off_and_signs_in(connection: Connection):
    # Given the token endpoint answers "login rate exceeded" twice, then grants a token
    handler, calls = _token_then_limits(
        httpx.Response(400, json=LOGIN_RATE),
        httpx.Response(400, json=LOGIN_RATE),
        httpx.Response(200, json=TOKEN),
    )
    waits: list[float] = []
    # When a call needs a token
    answer = _client(connection, handler, waits).json("GET", "/limits")
    # Then it waited twice and got through
    assert answer["DailyApiRequests"]["Max"] == 15000
    assert len(waits) == 2
    assert calls.count("/services/oauth2/token") == 3


def test_a_login_rate_limit_that_persists_is_a_rate_limit_not_refused_credentials(
    connection: Connection,
):
    handler, _ = _token_then_limits(*(httpx.Response(400, json=LOGIN_RATE) for _ in range(4)))
    with pytest.raises(RateLimitedError) as raised:
        _client(connection, handler, []).json("GET", "/limits")
    assert raised.value.system == "salesforce"


def test_refused_credentials_at_the_token_endpoint_are_an_authentication_error(
    connection: Connection,
):
    # Given the token endpoint refuses the grant
    refused = {"error": "invalid_grant", "error_description": "authentication failure"}
    handler, calls = _token_then_limits(httpx.Response(400, json=refused))
    waits: list[float] = []
    # When a call needs a token
    with pytest.raises(AuthenticationError) as raised:
        _client(connection, handler, waits).json("GET", "/limits")
    # Then it failed at once, naming the system, without retrying
    assert raised.value.system == "salesforce"
    assert "authentication failure" in raised.value.reason
    assert waits == []
    assert calls == ["/services/oauth2/token"]
