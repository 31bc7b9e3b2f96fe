"""PolicyRunner's decisions, one by one: retry, refresh, rate limit (with and without a
Retry-After), permanent; and how each client reads Retry-After off the wire. No sleeping:
the wait is recorded by an injected sleep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pydantic import SecretStr

from shared.connectors.base import (
    ApiError,
    Disposition,
    ErrorPolicy,
    ErrorRule,
    PolicyRunner,
    RetrySettings,
    retry_after,
)
from shared.connectors.intacct import xml
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings
from shared.connectors.salesforce.client import SalesforceClient
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings
from shared.errors import (
    AuthenticationError,
    RateLimitedError,
    RecordRejectedError,
    TransportError,
)
from shared.models.connection import Connection

POLICY = ErrorPolicy(
    rules=(
        ErrorRule(Disposition.REFRESH_AUTH, status=401),
        ErrorRule(Disposition.RATE_LIMITED, status=429),
        ErrorRule(Disposition.RETRY, status=503),
    )
)


class Scripted:
    """A call answering a script of outcomes: an ApiError raises, anything else returns."""

    def __init__(self, *outcomes: object) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self) -> object:
        outcome = self.outcomes[self.calls]
        self.calls += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class Harness:
    def __init__(self, **settings: float) -> None:
        self.waits: list[float] = []
        self.refreshes = 0
        values = {"attempts": 4, "wait_min_s": 0.5, "wait_max_s": 8.0, **settings}
        self.settings = RetrySettings(
            attempts=int(values["attempts"]),
            wait_min_s=values["wait_min_s"],
            wait_max_s=values["wait_max_s"],
            rate_limit_wait_max_s=values.get("rate_limit_wait_max_s", 30.0),
            sleep=self.waits.append,
        )
        self.runner = PolicyRunner(
            "salesforce", POLICY, self._refresh, self._permanent, self.settings
        )

    def _refresh(self) -> None:
        self.refreshes += 1

    @staticmethod
    def _permanent(exc: ApiError) -> Exception:
        return RecordRejectedError("test", exc.message, exc.code)


def test_a_retryable_answer_is_retried_with_backoff_and_succeeds():
    # Given a call that fails twice with 503, then succeeds
    h = Harness()
    call = Scripted(ApiError(503, None, "busy"), ApiError(503, None, "busy"), "ok")
    # When it runs under the policy
    result = h.runner.run(call)
    # Then it succeeds on the third attempt after two growing backoff waits
    assert result == "ok"
    assert call.calls == 3
    assert h.waits == [0.5, 1.0]


def test_retries_stop_after_the_attempts_and_surface_as_transport_error():
    # Given a call that is always busy
    h = Harness(attempts=3)
    call = Scripted(*[ApiError(503, None, "busy")] * 3)
    # When it runs
    # Then the last failure surfaces as a retryable TransportError after three calls
    with pytest.raises(TransportError):
        h.runner.run(call)
    assert call.calls == 3
    assert len(h.waits) == 2


def test_a_permanent_answer_raises_the_typed_error_at_once():
    # Given a call answered 400 (no rule matches: permanent)
    h = Harness()
    call = Scripted(ApiError(400, "REQUIRED_FIELD_MISSING", "Name is required"))
    # When it runs
    # Then the permanent typed error is raised after one call, without waiting
    with pytest.raises(RecordRejectedError, match="Name is required"):
        h.runner.run(call)
    assert call.calls == 1
    assert h.waits == []


def test_an_expired_session_is_refreshed_once_without_waiting():
    # Given a call answered 401 once, then fine
    h = Harness()
    call = Scripted(ApiError(401, "INVALID_SESSION_ID", "expired"), "ok")
    # When it runs
    result = h.runner.run(call)
    # Then credentials were refreshed once and the retry did not wait
    assert result == "ok"
    assert h.refreshes == 1
    assert h.waits == [0.0]


def test_credentials_refused_after_a_refresh_are_an_authentication_error():
    # Given a call answered 401 even with fresh credentials
    h = Harness()
    call = Scripted(ApiError(401, None, "no"), ApiError(401, None, "still no"))
    # When it runs
    # Then the second refusal is an AuthenticationError, with one refresh only
    with pytest.raises(AuthenticationError):
        h.runner.run(call)
    assert h.refreshes == 1
    assert call.calls == 2


def test_a_rate_limit_waits_as_long_as_its_retry_after_says():
    # Given a rate-limited answer asking for 12 seconds (longer than ordinary backoff)
    h = Harness(wait_max_s=2.0, rate_limit_wait_max_s=30.0)
    call = Scripted(ApiError(429, None, "slow down", retry_after_s=12.0), "ok")
    # When it runs
    result = h.runner.run(call)
    # Then it waited exactly the 12 seconds asked for (not capped by wait_max_s), then succeeded
    assert result == "ok"
    assert h.waits == [12.0]


def test_a_retry_after_beyond_the_bound_goes_back_to_the_caller_at_once():
    # Given a rate-limited answer asking for ten minutes, beyond the 30 s bound
    h = Harness(rate_limit_wait_max_s=30.0)
    call = Scripted(ApiError(429, None, "slow down", retry_after_s=600.0), "never reached")
    # When it runs
    # Then RateLimitedError carries the 600 s, after one call and no sleep
    with pytest.raises(RateLimitedError) as raised:
        h.runner.run(call)
    assert raised.value.retry_after_s == 600.0
    assert call.calls == 1
    assert h.waits == []


def test_a_rate_limit_without_retry_after_backs_off_up_to_the_rate_limit_bound():
    # Given rate limits without a Retry-After, an ordinary backoff capped at 1 s
    h = Harness(attempts=5, wait_min_s=1.0, wait_max_s=1.0, rate_limit_wait_max_s=6.0)
    limited = ApiError(429, None, "slow down")
    call = Scripted(limited, limited, limited, limited, "ok")
    # When it runs
    result = h.runner.run(call)
    # Then the waits grow past the ordinary cap, up to the rate-limit bound
    assert result == "ok"
    assert h.waits == [1.0, 2.0, 4.0, 6.0]


def test_a_rate_limit_that_never_lifts_surfaces_as_rate_limited_error():
    # Given a rate limit on every attempt, each asking for one second
    h = Harness(attempts=2)
    call = Scripted(*[ApiError(429, None, "slow down", retry_after_s=1.0)] * 2)
    # When it runs
    # Then the caller gets RateLimitedError with the wait last asked for
    with pytest.raises(RateLimitedError) as raised:
        h.runner.run(call)
    assert raised.value.retry_after_s == 1.0
    assert h.waits == [1.0]


def test_a_transport_failure_is_retried():
    # Given a connection reset, then an answer
    h = Harness()
    call = Scripted(httpx.ConnectError("reset"), "ok")
    # When it runs
    # Then it was retried once after a backoff
    assert h.runner.run(call) == "ok"
    assert h.waits == [0.5]


# -- Retry-After on the wire -----------------------------------------------------------------

NOW = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (format_datetime(NOW + timedelta(seconds=45), usegmt=True), 45.0),
        (format_datetime(NOW - timedelta(seconds=5), usegmt=True), 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(header, expected):
    # Given a response with (or without) a Retry-After header
    headers = {"Retry-After": header} if header is not None else {}
    response = httpx.Response(429, headers=headers)
    # When it is read
    # Then seconds and HTTP-dates become a wait; anything else none
    assert retry_after(response, now=NOW) == expected


def _recording_settings(waits: list[float]) -> RetrySettings:
    return RetrySettings(attempts=3, wait_min_s=0.1, wait_max_s=0.2, sleep=waits.append)


def _sf_secrets() -> SalesforceSecrets:
    return SalesforceSecrets(client_secret=SecretStr("s"))


def _intacct_secrets() -> IntacctSecrets:
    return IntacctSecrets(sender_password=SecretStr("sp"), user_password=SecretStr("up"))


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_the_salesforce_client_waits_what_a_429_retry_after_says(connection: Connection):
    # Given Salesforce answers a query once with 429 and Retry-After: 7
    answers = iter(
        [
            httpx.Response(
                429,
                headers={"Retry-After": "7"},
                json=[{"message": "Too many requests", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
            ),
            httpx.Response(200, json={"totalSize": 0, "done": True, "records": []}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(
                200, json={"access_token": "tok", "instance_url": "https://acme.my.salesforce.com"}
            )
        return next(answers)

    waits: list[float] = []
    client = SalesforceClient(
        _mock(handler), _sf(connection), _sf_secrets(), _recording_settings(waits)
    )
    # When a query is sent
    answer = client.json("GET", "/query", params={"q": "SELECT Id FROM Account"})
    # Then it waited the 7 seconds asked for, then got the answer
    assert answer["done"] is True
    assert waits == [7.0]


def test_the_intacct_client_waits_what_a_gw_0010_retry_after_says(connection: Connection):
    # Given the Intacct gateway throttles the first request (HTTP 429, GW-0010, Retry-After: 3)
    throttled = (
        b'<?xml version="1.0" encoding="UTF-8"?><response><control><status>failure</status>'
        b"</control><errormessage><error><errorno>GW-0010</errorno><description>API rate "
        b"limit exceeded.</description></error></errormessage></response>"
    )
    session = (
        b'<?xml version="1.0" encoding="UTF-8"?><response><control><status>success</status>'
        b"</control><operation><authentication><status>success</status></authentication>"
        b"<result><status>success</status><function>getAPISession</function>"
        b"<controlid>getAPISession</controlid><data><api><sessionid>S1</sessionid>"
        b"<endpoint>https://api.intacct.com/ia/xml/xmlgw.phtml</endpoint></api></data>"
        b"</result></operation></response>"
    )
    done = (
        b'<?xml version="1.0" encoding="UTF-8"?><response><control><status>success</status>'
        b"</control><operation><authentication><status>success</status></authentication>"
        b"<result><status>success</status><function>update</function>"
        b"<controlid>c-1</controlid></result></operation></response>"
    )
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "3"}, content=throttled),
            httpx.Response(200, content=session),
            httpx.Response(200, content=done),
        ]
    )
    waits: list[float] = []
    client = IntacctClient(
        _mock(lambda request: next(answers)),
        _intacct(connection),
        _intacct_secrets(),
        _recording_settings(waits),
    )
    # When one function is run
    result = client.call(xml.Function("c-1", xml.element("update")))
    # Then the throttled request waited the 3 seconds asked for, then the function ran
    assert result.ok
    assert waits == [3.0]


def _sf(connection: Connection) -> SalesforceSettings:
    assert isinstance(connection.crm, SalesforceSettings)
    return connection.crm


def _intacct(connection: Connection) -> IntacctSettings:
    assert isinstance(connection.erp, IntacctSettings)
    return connection.erp
