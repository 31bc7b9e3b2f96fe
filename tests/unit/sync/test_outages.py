"""The outage decisions on their own (shared/outages.py): when a system pauses, when a message
is parked, when a probe runs, what resuming sends back. The state table is moto's; the
clock is the test's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from shared.errors import (
    AuthenticationError,
    DeadlineExceededError,
    LedgerlinkError,
    LinkPendingError,
    RateLimitedError,
    RecordRejectedError,
    TransportError,
)
from shared.outages import OutagePolicy, Outages
from shared.state.pauses import PauseReason, PauseStore
from shared.topology import STATE_TABLE
from tests.unit.sync.conftest import Bench, KeptMessages

CONN = "unit"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Probed:
    """A connector as the probe sees it: answers check_access with an error, or not."""

    def __init__(self, system: str, error: LedgerlinkError | None = None) -> None:
        self.system = system
        self.error = error
        self.probes = 0

    def check_access(self) -> None:
        self.probes += 1
        if self.error is not None:
            raise self.error


def _on(system: str, exc: LedgerlinkError) -> LedgerlinkError:
    exc.system = system
    return exc


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outages(bench: Bench, clock: Clock) -> Outages:
    table = boto3.resource("dynamodb").Table(STATE_TABLE.name)
    return Outages(PauseStore(table), bench.audit, bench.metrics, clock, OutagePolicy())


def _park(outages: Outages, n: int) -> bool:
    return outages.park(
        CONN,
        outages.paused(CONN),
        queue="changes",
        body=f'{{"n": {n}}}',
        group_id=f"g{n}",
        dedup_id=f"d{n}",
    )


def test_refused_credentials_pause_the_system_at_once_and_say_so_once(outages, bench):
    # Given the ERP refusing the credentials for two messages in a row
    first = outages.failed(CONN, _on("fakeerp", AuthenticationError("fakeerp refused")))
    second = outages.failed(CONN, _on("fakeerp", AuthenticationError("fakeerp refused")))
    # Then the ERP is paused for its credentials, announced once, with an audit entry
    assert first is not None
    assert second is not None
    assert [(p.system, p.reason) for p in outages.paused(CONN)] == [
        ("fakeerp", PauseReason.CREDENTIALS)
    ]
    assert bench.metrics.counts["ConnectionPaused"] == 1
    from shared.models.events import RecordRef

    history = bench.audit.history(
        CONN, RecordRef(system="fakeerp", object="connection", record_id=CONN)
    )
    assert [(e.action, e.detail["reason"]) for e in history] == [("paused", "credentials")]


def test_transient_failures_pause_only_after_a_run_of_them_within_the_window(outages, clock):
    down = OutagePolicy().failures_to_pause
    # Given failures on the ERP, each outliving the connector's retries
    for _ in range(down - 1):
        assert outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503"))) is None
    # When the failures are spread beyond the window, counting starts again
    clock.advance(minutes=16)
    assert outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503"))) is None
    assert outages.paused(CONN) == []
    # When enough fail within the window
    for _ in range(down - 2):
        outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503")))
    pause = outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503")))
    # Then the ERP is paused as unreachable, first probed a minute later
    assert pause is not None
    assert pause.reason is PauseReason.UNREACHABLE
    assert pause.probe_at == clock.now + timedelta(minutes=1)


def test_a_success_between_failures_means_no_outage(outages):
    down = OutagePolicy().failures_to_pause
    for _ in range(down - 1):
        outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503")))
    outages.succeeded(CONN)
    assert outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503"))) is None
    assert outages.paused(CONN) == []


def test_a_long_rate_limit_is_probed_no_sooner_than_asked(outages, clock):
    # Given the ERP asking, message after message, to wait two hours
    pause = None
    for _ in range(OutagePolicy().failures_to_pause):
        pause = outages.failed(CONN, _on("fakeerp", RateLimitedError("quota", 7200.0)))
    # Then it pauses as rate-limited until then
    assert pause is not None
    assert pause.reason is PauseReason.RATE_LIMITED
    assert pause.probe_at == clock.now + timedelta(hours=2)


@pytest.mark.parametrize(
    ("error", "system"),
    [
        (RecordRejectedError("fakeerp", "bad value"), "fakeerp"),  # the record's fault: DLQ
        (LinkPendingError("another worker is creating it"), None),  # no system failed
        (TransportError("no system named"), None),
        (DeadlineExceededError("fakeerp: no time left for a call"), "fakeerp"),  # never called
    ],
)
def test_errors_that_are_not_a_system_failing_never_pause(outages, error, system):
    error.system = system
    for _ in range(5):
        assert outages.failed(CONN, error) is None
    assert outages.paused(CONN) == []


def test_messages_are_parked_only_while_the_connection_is_paused(outages, clock):
    # Given no pause, nothing is parked
    assert _park(outages, 0) is False
    # Given the ERP paused, a message is parked
    outages.failed(CONN, _on("fakeerp", AuthenticationError("refused")))
    assert _park(outages, 1) is True
    # When the pause ended meanwhile (another worker's stale view), nothing is parked
    pauses = outages.paused(CONN)
    clock.advance(minutes=16)
    outages.probe(_connection(), lambda: [Probed("fakeerp")], _kept())
    assert not outages.park(CONN, pauses, queue="changes", body="{}", group_id="g", dedup_id="d")


def _connection():
    from shared.pairs import registry as pairs

    return pairs.load_connection(
        {
            "connection_id": CONN,
            "crm": {"system": "fakecrm", "account": "crm-1"},
            "erp": {"system": "fakeerp", "account": "erp-1"},
        }
    )


_KEPT: dict[str, KeptMessages] = {}


def _kept():
    def publisher(queue: str) -> KeptMessages:
        return _KEPT.setdefault(queue, KeptMessages())

    _KEPT.clear()
    return publisher


def test_a_probe_waits_until_due_backs_off_and_resumes_with_what_was_parked(outages, clock, bench):
    # Given the ERP unreachable and paused, with three messages parked in order
    for _ in range(OutagePolicy().failures_to_pause):
        outages.failed(CONN, _on("fakeerp", TransportError("fakeerp 503")))
    for n in range(3):
        assert _park(outages, n)
    erp = Probed("fakeerp", _on("fakeerp", TransportError("fakeerp 503")))
    publisher = _kept()
    # When the schedule runs before the first probe is due: no probe
    report = outages.probe(_connection(), lambda: [Probed("fakecrm"), erp], publisher)
    assert (erp.probes, report.still_paused) == (0, ["fakeerp"])
    # When it runs after, and the ERP is still down: the next probe is twice as far
    clock.advance(minutes=1)
    outages.probe(_connection(), lambda: [Probed("fakecrm"), erp], publisher)
    assert erp.probes == 1
    assert outages.paused(CONN)[0].probe_at == clock.now + timedelta(minutes=2)
    clock.advance(minutes=1)
    outages.probe(_connection(), lambda: [Probed("fakecrm"), erp], publisher)
    assert erp.probes == 1
    # (every run of a pause keeps the paused-systems gauge up, for the alarm)
    assert bench.metrics.counts["PausedSystems"] == 3
    # When the ERP answers again at the next due probe
    erp.error = None
    clock.advance(minutes=1)
    report = outages.probe(_connection(), lambda: [Probed("fakecrm"), erp], publisher)
    # Then it resumed, said so once, and the parked messages went back in order, each once,
    # bodies unchanged, under dedup ids of their own
    assert report.resumed == ["fakeerp"]
    assert report.republished == 3
    assert bench.metrics.counts["PausedSystems"] == 3  # not once it resumed
    assert outages.paused(CONN) == []
    assert bench.metrics.counts["ConnectionResumed"] == 1
    sent = _KEPT["changes"].sent
    assert [m.model_dump_json() for m in sent] == ['{"n": 0}', '{"n": 1}', '{"n": 2}']
    assert [m.group_id for m in sent] == ["g0", "g1", "g2"]
    assert all(m.dedup_id not in {"d0", "d1", "d2"} for m in sent)
    assert len({m.dedup_id for m in sent}) == 3
    # And nothing is left to send a second time
    assert outages.republish(CONN, publisher) == 0


def test_parked_messages_wait_until_every_paused_system_is_back(outages, clock):
    # Given both systems paused and a message parked
    outages.failed(CONN, _on("fakeerp", AuthenticationError("refused")))
    outages.failed(CONN, _on("fakecrm", AuthenticationError("refused")))
    assert _park(outages, 0)
    publisher = _kept()
    clock.advance(minutes=20)
    crm = Probed("fakecrm", _on("fakecrm", AuthenticationError("still refused")))
    # When only the ERP answers its probe
    report = outages.probe(_connection(), lambda: [crm, Probed("fakeerp")], publisher)
    # Then the ERP resumed, the CRM did not, and the message stays parked
    assert (report.resumed, report.still_paused, report.republished) == (
        ["fakeerp"],
        ["fakecrm"],
        0,
    )
    assert _KEPT == {}
