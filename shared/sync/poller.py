"""Polling the ERP: records changed since the cursor become ChangeEvents on changes.fifo.

The window overlaps the previous one by ``poll_overlap_s`` (late commits, equal timestamps);
inside it, the cursor remembers which key was handed off at which stamp, so a record is sent
again only when it changed again. The cursor moves only after its events are handed off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.mapping.catalog import MappingCatalog
from shared.mapping.fields import Side
from shared.models.connection import Connection
from shared.models.events import ChangeEvent, RecordRef
from shared.observability import BusinessMetric, MetricSink, count
from shared.queues import QueuePublisher
from shared.state.cursors import CursorStore, PollCursor
from shared.sync.engine import Systems

HANDOFF_BATCH = 100


class Poller:
    def __init__(
        self,
        connection: Connection,
        systems: Systems,
        cursors: CursorStore,
        publisher: QueuePublisher,
        metrics: MetricSink,
        max_records_per_object: int = 5000,
    ) -> None:
        self._connection = connection
        self._systems = systems
        self._cursors = cursors
        self._publisher = publisher
        self._metrics = metrics
        self._max = max_records_per_object

    def poll(self) -> dict[str, int]:
        catalog = MappingCatalog.for_connection(self._connection)
        handed: dict[str, int] = {}
        for obj in self._connection.polled_objects:
            mapping, _ = catalog.for_ref(
                RecordRef(system=self._systems.erp.system, object=obj, record_id="-")
            )
            handed[obj] = self._poll_object(obj, sorted(mapping.tracked_paths(Side.ERP)))
        return handed

    def _poll_object(self, obj: str, fields: list[str]) -> int:
        conn_id = self._connection.connection_id
        system = self._systems.erp.system
        cursor = self._cursors.get(conn_id, system, obj)
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        since = cursor.since - overlap if cursor.since else None
        pending: list[ChangeEvent] = []
        state = _CursorState(cursor)
        total = 0
        for record in self._systems.erp.changed_since(
            obj, since, fields, self._connection.poll_page_size
        ):
            stamp = record.modified_at.isoformat() if record.modified_at else ""
            if state.already_handed(record.key, stamp):
                continue
            pending.append(
                ChangeEvent(
                    connection_id=conn_id,
                    ref=record.ref,
                    source="poll",
                    version=stamp or None,
                    snapshot=record.fields,
                )
            )
            state.hand(record.key, stamp, record.modified_at)
            if len(pending) >= HANDOFF_BATCH:
                total += self._hand_off(obj, pending, state, overlap)
                pending = []
            if total + len(pending) >= self._max:
                break
        if pending:
            total += self._hand_off(obj, pending, state, overlap)
        count(self._metrics, BusinessMetric.CHANGES_POLLED, total)
        return total

    def _hand_off(
        self, obj: str, events: list[ChangeEvent], state: _CursorState, overlap: timedelta
    ) -> int:
        sent = self._publisher.publish(events)
        self._cursors.put(
            self._connection.connection_id,
            self._systems.erp.system,
            obj,
            state.snapshot(overlap),
        )
        return sent


class _CursorState:
    def __init__(self, cursor: PollCursor) -> None:
        self.since = cursor.since
        self.recent = dict(cursor.recent)

    def already_handed(self, key: str, stamp: str) -> bool:
        return self.recent.get(key) == stamp

    def hand(self, key: str, stamp: str, modified_at: datetime | None) -> None:
        self.recent[key] = stamp
        if modified_at and (self.since is None or modified_at > self.since):
            self.since = modified_at

    def snapshot(self, overlap: timedelta) -> PollCursor:
        if self.since is None:
            return PollCursor(recent=self.recent)
        floor = self.since - overlap
        recent = {k: v for k, v in self.recent.items() if v and datetime.fromisoformat(v) >= floor}
        return PollCursor(since=self.since, recent=recent)
