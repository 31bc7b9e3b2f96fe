"""Messages of changes.fifo through the sync engine, a batch at a time.

A batch's events are coalesced per record (several events of one record become one unit of
work: one read, at most one write) and the units of each connection run together, so their
reads and writes are batched per object (``SyncEngine.apply_all``). Every message of a unit
shares its outcome: done, dead-lettered, or delivered again.

No idempotency record is kept per message: a change is applied from a fresh read (or the
poller's snapshot) against the link, so running a message twice writes nothing the second
time; the link is the record of what was done.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.errors import LedgerlinkError
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.observability import BusinessMetric, count, logger
from shared.queue_worker import QueueWorker
from shared.sync.outcome import Outcome
from shared.topology import CHANGES


class ChangeWorker(QueueWorker[ChangeEvent, Outcome]):
    queue = CHANGES.key
    result_type = Outcome
    message_type = ChangeEvent

    def run(self, message: ChangeEvent) -> Outcome:
        connection = self.runtime.connections.get(message.connection_id)
        return self.runtime.engine(connection).apply(message)

    def run_many(self, messages: Sequence[ChangeEvent]) -> list[Outcome | LedgerlinkError]:
        units: dict[tuple[str, RecordRef], list[int]] = {}
        for position, message in enumerate(messages):
            units.setdefault((message.connection_id, message.ref), []).append(position)
        results: list[Outcome | LedgerlinkError | None] = [None] * len(messages)
        by_connection: dict[str, list[list[int]]] = {}
        for (connection_id, _), positions in units.items():
            by_connection.setdefault(connection_id, []).append(positions)
        for connection_id, unit_list in by_connection.items():
            events = [coalesce([messages[p] for p in unit]) for unit in unit_list]
            for unit, outcome in zip(unit_list, self._apply(connection_id, events), strict=True):
                for position in unit:
                    results[position] = outcome
        return [r for r in results if r is not None]

    def _apply(
        self, connection_id: str, events: list[ChangeEvent]
    ) -> list[Outcome | LedgerlinkError]:
        try:
            connection = self.runtime.connections.get(connection_id)
            engine = self.runtime.engine(connection)
        except LedgerlinkError as exc:
            return [exc] * len(events)
        outcomes = engine.apply_all(events)
        for event, outcome in zip(events, outcomes, strict=True):
            if isinstance(outcome, Outcome):
                logger.info(
                    "change synced",
                    extra={
                        "ref": str(event.ref),
                        "action": outcome.action,
                        "target": outcome.target,
                    },
                )
        return outcomes

    def rejected(self, message: ChangeEvent, reason: str) -> None:
        self.runtime.audit.record(message.connection_id, message.ref, "rejected", reason=reason)
        count(self.runtime.metrics, BusinessMetric.RECORD_REJECTED)


def coalesce(events: Sequence[ChangeEvent]) -> ChangeEvent:
    """One event standing for several of one record, in queue order: the latest state is
    what counts. A delete last stays a delete; an event that carries no snapshot asks for a
    fresh read, which sees every edit before it; otherwise the newest snapshot wins."""
    last = events[-1]
    if len(events) == 1 or last.operation is Operation.DELETE:
        return last
    upserts = [e for e in events if e.operation is not Operation.DELETE]
    if any(e.snapshot is None for e in upserts):
        return last.model_copy(update={"snapshot": None, "source": _source(upserts)})
    return max(enumerate(upserts), key=lambda pe: (pe[1].version or "", pe[0]))[1]


def _source(events: Sequence[ChangeEvent]) -> str:
    """A repair among them keeps its meaning (write every field)."""
    return "repair" if any(e.source == "repair" for e in events) else events[-1].source
