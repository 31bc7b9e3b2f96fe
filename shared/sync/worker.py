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
from shared.models.connection import Connection
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.models.workflows import WorkflowRequest
from shared.observability import BusinessMetric, count, logger
from shared.pairs.catalog import MappingCatalog
from shared.pairs.registry import pair_of
from shared.queue_worker import QueueWorker
from shared.sync.outcome import Action, Outcome
from shared.topology import CHANGES, workflow_queue


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
        catalog = MappingCatalog.for_connection(connection)
        mapped = [e for e in events if catalog.maps(e.ref)]
        results = dict(zip(map(id, mapped), engine.apply_all(mapped), strict=True))
        results.update(self._triggers(connection, catalog, events))
        outcomes = [results[id(e)] for e in events]
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

    def _triggers(
        self, connection: Connection, catalog: MappingCatalog, events: Sequence[ChangeEvent]
    ) -> dict[int, Outcome | LedgerlinkError]:
        """The workflow requests the pair's triggers make of these changes (an opportunity
        reaching Closed Won), queued on their workflows' queues; each trigger reads its
        changed records fresh, once per batch. A record a trigger watches but no mapping
        syncs ends here."""
        answers: dict[int, Outcome | LedgerlinkError] = {}
        for trigger in pair_of(connection).triggers:
            connector = self.runtime.sides(connection).on(trigger.side)
            mine = [
                e
                for e in events
                if e.ref.object == trigger.object and e.ref.system == connector.system
            ]
            if not mine:
                continue
            try:
                records = connector.fetch_many(
                    trigger.object, [e.ref.record_id for e in mine], trigger.fields
                )
                queued: dict[str, list[WorkflowRequest]] = {}
                for request in trigger.requests(connection, records):
                    queued.setdefault(workflow_queue(request.workflow).key, []).append(request)
                for queue, requests in queued.items():
                    self.runtime.publisher(queue).publish(requests)
            except LedgerlinkError as exc:
                answers.update({id(e): exc for e in mine})
                continue
            for event in mine:
                if not catalog.maps(event.ref):
                    answers[id(event)] = Outcome(action=Action.TRIGGERED, source=str(event.ref))
        return answers

    def redelivered(self, message: ChangeEvent) -> ChangeEvent:
        """A change delivered again reads its record fresh: the values the poller saw may be
        what an earlier attempt could not apply (a parent not linked yet), and may be old."""
        if message.snapshot is None:
            return message
        return message.model_copy(update={"snapshot": None})

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
