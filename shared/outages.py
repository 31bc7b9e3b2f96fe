"""Outages: when a system is down, rate-limited for long or refuses the credentials, its
connection's work pauses — messages kept, not burning receives — and resumes by itself.

SQS gives a message ``maxReceiveCount`` (5) receives, 180 s apart: an outage longer than
about 15 minutes would empty the queue into the DLQ. So:

- **Deciding.** A message that fails on a system (the error names it, see
  shared/connectors/base.py) is counted. Refused credentials pause that system at once (they
  are permanent for the connection, not for the record). A transient failure (transport
  errors, 5xx, rate limits that outlived the connector's retries and the invocation's
  deadline) pauses it after ``failures_to_pause`` failed messages within ``failure_window``:
  one unlucky message is retried as usual, a run of them is an outage. ``failures_to_pause``
  stays below ``maxReceiveCount``, so no message reaches the DLQ because of an outage alone.
- **Parking.** While any system of a connection is paused, the queue worker parks each of
  its messages (the body goes to the state table, the message is deleted from the queue as
  done) instead of failing it.
- **Probing.** The poll schedule probes each paused system when its probe is due
  (``Connector.check_access``), backing off between failed probes; polling skips a paused
  system. When the probe succeeds the system resumes, and once no system of the connection
  is paused its parked messages are re-published in the order they were parked.
- **Saying so.** ``ConnectionPaused`` / ``ConnectionResumed`` metrics (dimension-free: one
  alarm on ``ConnectionPaused``), a warning log line and an audit entry each, naming the
  connection, the system and the reason (the system's words, never a secret).

Re-published messages keep their bodies (so the workers' idempotency key, the message's own
dedup id, is unchanged: exactly once), but go to SQS with a dedup id of their own: a FIFO
queue drops a message whose dedup id it saw in the last five minutes, and the original was
sent then if the outage was short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

import httpx

from shared.connectors.base import ApiError, Connector
from shared.errors import (
    AuthenticationError,
    DeadlineExceededError,
    DependencyPendingError,
    LedgerlinkError,
    RateLimitedError,
    RetryableError,
)
from shared.models.connection import Connection
from shared.models.events import RecordRef
from shared.observability import BusinessMetric, MetricSink, count, logger
from shared.queues import QueuePublisher, Resent
from shared.state.audit import AuditTrail
from shared.state.pauses import ParkedMessage, Pause, PauseReason, PauseStore

# Audit entries about a connection (not a record) are filed under this object name.
CONNECTION_OBJECT = "connection"


class OutagePolicy(NamedTuple):
    failures_to_pause: int = 3  # below the change queue's maxReceiveCount (5)
    failure_window: timedelta = timedelta(minutes=15)  # ~ maxReceiveCount x visibility timeout
    first_probe_after: timedelta = timedelta(minutes=1)
    max_probe_interval: timedelta = timedelta(minutes=15)
    # Each probe of refused credentials is a failed sign-in, which some systems count towards
    # locking the user out: probe those less often.
    credentials_probe_interval: timedelta = timedelta(minutes=15)


@dataclass
class ProbeReport:
    resumed: list[str] = field(default_factory=list)
    still_paused: list[str] = field(default_factory=list)
    republished: int = 0


class Outages:
    def __init__(
        self,
        store: PauseStore,
        audit: AuditTrail,
        metrics: MetricSink,
        clock: Callable[[], datetime],
        policy: OutagePolicy | None = None,
    ) -> None:
        self._store = store
        self._audit = audit
        self._metrics = metrics
        self._clock = clock
        self.policy = policy or OutagePolicy()
        # (connection, system) this container counted failures for: a success clears them.
        self._failing: set[tuple[str, str]] = set()

    # -- the queue worker's side ---------------------------------------------------------

    def paused(self, connection_id: str) -> list[Pause]:
        """The pauses the doors and workers obey: an eventually consistent read (half the
        units of a strong one, asked on every invocation). A pause made a moment ago may be
        missed once; the messages it lets through fail against the system as before, and are
        counted and parked then."""
        return self._store.paused(connection_id, consistent=False)

    def failed(self, connection_id: str, exc: LedgerlinkError) -> Pause | None:
        """A message of the connection failed with ``exc``: count it, and pause the system
        it names when that is what the failure means. Answers the pause now in force."""
        system = exc.system
        if system is None or isinstance(exc, DeadlineExceededError | DependencyPendingError):
            # Out of invocation time before a call was even tried: the system did nothing.
            return None
        now = self._clock()
        if isinstance(exc, AuthenticationError):
            return self._pause(
                connection_id,
                system,
                PauseReason.CREDENTIALS,
                exc.reason,
                now + self.policy.credentials_probe_interval,
            )
        if not isinstance(exc, RetryableError):
            return None
        self._failing.add((connection_id, system))
        failures = self._store.count_failure(
            connection_id, system, now, now - self.policy.failure_window
        )
        if failures < self.policy.failures_to_pause:
            return None
        reason = (
            PauseReason.RATE_LIMITED
            if isinstance(exc, RateLimitedError)
            else PauseReason.UNREACHABLE
        )
        return self._pause(connection_id, system, reason, exc.reason, self._first_probe(exc, now))

    def succeeded(self, connection_id: str) -> None:
        """A message of the connection went through: its failures so far were not an outage."""
        for key in [k for k in self._failing if k[0] == connection_id]:
            self._store.clear_failures(*key)
            self._failing.discard(key)

    def park(
        self,
        connection_id: str,
        pauses: Sequence[Pause],
        *,
        queue: str,
        body: str,
        group_id: str,
        dedup_id: str,
    ) -> bool:
        """Keep the message while one of ``pauses`` holds; False if none does any more."""
        for pause in pauses:
            parked = self._store.park(
                connection_id,
                pause.system,
                queue=queue,
                body=body,
                group_id=group_id,
                dedup_id=dedup_id,
                now=self._clock(),
            )
            if parked:
                logger.info(
                    "message parked", extra={"connection_id": connection_id, "system": pause.system}
                )
                return True
        return False

    # -- the schedule's side -------------------------------------------------------------

    def probe(
        self,
        connection: Connection,
        connectors: Callable[[], Sequence[Connector]],
        publisher: Callable[[str], QueuePublisher],
    ) -> ProbeReport:
        """Probe the connection's paused systems whose probe is due; resume those that
        answer, and re-publish the parked messages once none is paused. ``connectors`` builds
        the connection's connectors afresh (no session or token kept from before the outage,
        the secret as it is now), so a probe proves access today."""
        connection_id = connection.connection_id
        report = ProbeReport()
        pauses = self._store.paused(connection_id)
        if not pauses:
            # Messages left parked by a resume that failed half-way go now.
            report.republished = self.republish(connection_id, publisher)
            return report
        now = self._clock()
        fresh: Sequence[Connector] | None = None
        for pause in pauses:
            if pause.probe_at > now:
                report.still_paused.append(pause.system)
                continue
            fresh = fresh if fresh is not None else connectors()
            if not self._probe_one(connection_id, pause, fresh):
                report.still_paused.append(pause.system)
                continue
            if self._store.unpause(connection_id, pause.system):
                self._store.clear_failures(connection_id, pause.system)
                self._said(connection_id, pause, "resumed", BusinessMetric.CONNECTION_RESUMED)
                report.resumed.append(pause.system)
        if report.resumed and not report.still_paused and not self._store.paused(connection_id):
            report.republished = self.republish(connection_id, publisher)
        if report.still_paused:
            # every poll run while a pause lasts: the alarm stays in ALARM until it ends
            count(self._metrics, BusinessMetric.PAUSED_SYSTEMS, len(report.still_paused))
        return report

    def republish(self, connection_id: str, publisher: Callable[[str], QueuePublisher]) -> int:
        """Send the connection's parked messages back to their queues, oldest first; each is
        removed once sent (sent twice after a crash in between, it runs once: see above)."""
        parked = self._store.parked(connection_id)
        by_queue: dict[str, list[ParkedMessage]] = {}
        for message in parked:
            by_queue.setdefault(message.queue, []).append(message)
        sent = 0
        for queue, messages in by_queue.items():
            sent += publisher(queue).publish(
                Resent(m.body, m.group_id, m.dedup_id, occasion=m.sk) for m in messages
            )
            self._store.unpark(connection_id, messages)
        if sent:
            logger.info(
                "parked messages re-published",
                extra={"connection_id": connection_id, "count": sent},
            )
        return sent

    def _probe_one(self, connection_id: str, pause: Pause, connectors: Sequence[Connector]) -> bool:
        now = self._clock()
        probes = pause.probes + 1
        try:
            for connector in connectors:
                if connector.system == pause.system:
                    connector.check_access()
        except LedgerlinkError as exc:
            if isinstance(exc, AuthenticationError):
                reason, wait = PauseReason.CREDENTIALS, self.policy.credentials_probe_interval
            else:
                reason = (
                    PauseReason.RATE_LIMITED
                    if isinstance(exc, RateLimitedError)
                    else PauseReason.UNREACHABLE
                )
                wait = self._backoff(probes, exc)
            detail = exc.reason
        except (ApiError, httpx.HTTPError) as exc:
            # A connector whose sign-in runs outside its error policy answers untyped errors:
            # the pause keeps its reason.
            reason, detail = pause.reason, str(exc)
            wait = (
                self.policy.credentials_probe_interval
                if reason is PauseReason.CREDENTIALS
                else self._backoff(probes, None)
            )
        else:
            return True
        self._store.reschedule(
            connection_id,
            pause.model_copy(
                update={
                    "reason": reason,
                    "detail": detail[:300],
                    "probe_at": now + wait,
                    "probes": probes,
                }
            ),
        )
        logger.info(
            "probe failed",
            extra={"connection_id": connection_id, "system": pause.system, "reason": reason},
        )
        return False

    def _first_probe(self, exc: LedgerlinkError, now: datetime) -> datetime:
        return now + self._backoff(0, exc)

    def _backoff(self, probes: int, exc: LedgerlinkError | None) -> timedelta:
        growth: int = 2 ** min(probes, 16)
        policy = self.policy
        wait: timedelta = min(policy.first_probe_after * growth, policy.max_probe_interval)
        asked = exc.retry_after_s if isinstance(exc, RateLimitedError) else None
        if asked is not None:
            wait = max(wait, timedelta(seconds=asked))
        return wait

    def _pause(
        self,
        connection_id: str,
        system: str,
        reason: PauseReason,
        detail: str,
        probe_at: datetime,
    ) -> Pause:
        pause = Pause(
            system=system,
            reason=reason,
            detail=detail[:300],
            since=self._clock(),
            probe_at=probe_at,
        )
        if self._store.pause(connection_id, pause):
            self._said(connection_id, pause, "paused", BusinessMetric.CONNECTION_PAUSED)
        self._failing.discard((connection_id, system))
        return pause

    def _said(self, connection_id: str, pause: Pause, action: str, metric: BusinessMetric) -> None:
        count(self._metrics, metric)
        logger.warning(
            f"connection {action}",
            extra={"connection_id": connection_id, "system": pause.system, "reason": pause.reason},
        )
        self._audit.record(
            connection_id,
            RecordRef(system=pause.system, object=CONNECTION_OBJECT, record_id=connection_id),
            action,
            reason=pause.reason.value,
            detail=pause.detail,
        )
