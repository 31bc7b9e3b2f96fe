"""Polling: records changed since the cursor become ChangeEvents on changes.fifo.

Both sides are polled the same way: the ERP because it has no push, the CRM to catch what its
outbound messages missed (an event already synced through its webhook is a no-op).

The window overlaps the previous one by ``poll_overlap_s`` (late commits, equal timestamps);
inside it, the cursor remembers which key was handed off at which stamp (and, where stamps
are coarse, with which content), so a record is sent again only when it changed again, even
twice within one of Intacct's whole-second stamps. The cursor moves only after its events
are handed off.

Where the system has a change feed (``SupportsChangedObjects``, ``SupportsChangeMarks``:
Intacct's audit trail, one billed function per poll), only objects it names are queried; with
marks, an object is queried again only when its mark is not the one noted at its last query,
so a change inside the overlap window is not paid for twice.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from shared.connectors.base import Connector, SupportsChangedObjects, SupportsChangeMarks
from shared.errors import AuthenticationError, RetryableError
from shared.mapping.fields import Side
from shared.models.connection import Connection
from shared.models.events import ChangeEvent, new_correlation_id
from shared.models.records import SourceRecord
from shared.observability import BusinessMetric, MetricSink, count, logger
from shared.pairs.catalog import MappingCatalog
from shared.queues import QueuePublisher
from shared.scheduled import for_each_connection
from shared.state.cursors import CursorStore, PollCursor
from shared.sync.echoes import EchoFilter
from shared.sync.engine import Sides
from shared.sync.hashing import record_digest
from shared.topology import CHANGES

if TYPE_CHECKING:
    from shared.runtime import Runtime

HANDOFF_BATCH = 100
Feed = tuple[datetime | None, str]  # a change feed's (anchor, mark) for one object
# An object the system says is unchanged is still queried this often (a safety net under
# the system's change feed: an object its audit trail does not log is never missed).
SWEEP = timedelta(hours=1)


def poll_all(runtime: Runtime) -> dict[str, Any]:
    """Poll both sides of every enabled connection (the poll_changes schedule). First probe
    the connection's paused systems (shared/outages.py): one that answers resumes (and its
    parked messages go back to their queues); one still paused is not polled (its cursor
    stays where it is, so nothing is missed when it returns)."""

    def poll(connection: Connection) -> dict[str, int]:
        sides = runtime.sides(connection)
        probe = runtime.outages.probe(
            connection, lambda: runtime.fresh_sides(connection), runtime.publisher
        )
        if probe.still_paused:
            connection = _without_polling(connection, sides, set(probe.still_paused))
        poller = Poller(
            connection,
            sides,
            runtime.cursors,
            runtime.publisher(CHANGES.key),
            runtime.metrics,
            echoes=EchoFilter(
                runtime.engine(connection, sides), runtime.links, sides, runtime.metrics
            ),
        )
        try:
            handed = poller.poll()
        except (AuthenticationError, RetryableError) as exc:
            # A system that fails the poll counts towards its pause like a failed message
            # (no message may be flowing to notice it).
            runtime.outages.failed(connection.connection_id, exc)
            raise
        runtime.outages.succeeded(connection.connection_id)
        return handed

    return for_each_connection(runtime, "poll", poll)


def _without_polling(connection: Connection, sides: Sides, paused: set[str]) -> Connection:
    """The connection as the poller should see it: no polled objects on a paused system."""
    update = {
        setting: () for setting, side, _ in connection.polled() if sides.on(side).system in paused
    }
    return connection.model_copy(update=update)


class Poller:
    def __init__(
        self,
        connection: Connection,
        sides: Sides,
        cursors: CursorStore,
        publisher: QueuePublisher,
        metrics: MetricSink,
        max_records_per_object: int = 5000,
        echoes: EchoFilter | None = None,
    ) -> None:
        self._connection = connection
        self._sides = sides
        self._cursors = cursors
        self._publisher = publisher
        self._metrics = metrics
        self._max = max_records_per_object
        self._echoes = echoes
        self._correlation_id = new_correlation_id()

    def poll(self) -> dict[str, int]:
        """Hand off every change on both sides; answers how many per ``system/object``."""
        catalog = MappingCatalog.for_connection(self._connection)
        self._correlation_id = new_correlation_id()
        logger.append_keys(correlation_id=self._correlation_id)
        handed: dict[str, int] = {}
        for _, side, objects in self._connection.polled():
            connector = self._sides.on(side)
            cursors = {
                obj: self._cursors.get(self._connection.connection_id, connector.system, obj)
                for obj in objects
            }
            due, feed = self._due(connector, cursors)
            for obj in objects:
                if obj not in due:
                    handed[f"{connector.system}/{obj}"] = 0
                    continue
                mapping, _ = catalog.for_object(connector.system, obj)
                fields = set(mapping.tracked_paths(side))
                fields |= EchoFilter.creation_fields(mapping, side, connector)
                if side is Side.ERP:
                    fields |= EchoFilter.owner_fields(catalog, obj)
                handed[f"{connector.system}/{obj}"] = self._poll_object(
                    connector,
                    obj,
                    cursors[obj],
                    sorted(fields),
                    partial(self._worth, catalog, side, unseen_after=cursors[obj].since),
                    feed.get(obj),
                )
        return handed

    def _due(
        self, connector: Connector, cursors: dict[str, PollCursor]
    ) -> tuple[set[str], dict[str, Feed]]:
        """The objects worth a query: all of them, unless the system tells in one request
        which changed; then those, and any not queried for ``SWEEP``. Where the system marks
        its changes (``SupportsChangeMarks``), an object changed only if its mark is not the
        one noted when it was last queried (its rows within the overlap were seen then);
        answers, beside the due objects, the (anchor, mark) to note when each is queried."""
        if not cursors:
            return set(cursors), {}
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        if isinstance(connector, SupportsChangeMarks):
            anchors = {
                obj: c.anchor if _anchored(c) else _window_start(c, overlap)
                for obj, c in cursors.items()
            }
            marks = connector.change_marks(anchors)
            if marks is not None:
                due = {
                    obj
                    for obj, c in cursors.items()
                    if not _anchored(c) or marks.get(obj) != c.mark
                }
                return due, {obj: (anchors[obj], marks.get(obj, "")) for obj in cursors}
        if not isinstance(connector, SupportsChangedObjects):
            return set(cursors), {}
        changed = connector.changed_objects(
            {obj: _window_start(c, overlap) for obj, c in cursors.items()}
        )
        if changed is None:
            return set(cursors), {}
        return set(changed) | {obj for obj, c in cursors.items() if _sweep_due(c, SWEEP)}, {}

    def _worth(
        self,
        catalog: MappingCatalog,
        side: Side,
        records: list[SourceRecord],
        *,
        unseen_after: datetime | None = None,
    ) -> list[SourceRecord]:
        if self._echoes is None:
            return records
        return self._echoes.worth_queueing(catalog, side, records, unseen_after=unseen_after)

    def _poll_object(
        self,
        connector: Connector,
        obj: str,
        cursor: PollCursor,
        fields: list[str],
        worth: Callable[[list[SourceRecord]], list[SourceRecord]],
        feed: Feed | None,
    ) -> int:
        conn_id = self._connection.connection_id
        system = connector.system
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        since = _window_start(cursor, overlap)
        pending: list[tuple[SourceRecord, ChangeEvent]] = []
        state = _CursorState(cursor, feed)
        seen = 0
        total = 0
        for record in connector.changed_since(obj, since, fields, self._connection.poll_page_size):
            stamp = record.modified_at.isoformat() if record.modified_at else ""
            digest = None if connector.unique_stamps else record_digest(record.fields)
            mark = f"{stamp}#{digest}" if digest else stamp
            if state.already_handed(record.key, mark):
                continue
            event = ChangeEvent(
                connection_id=conn_id,
                ref=record.ref,
                source="poll",
                source_event_id=digest,
                version=stamp or None,
                snapshot=record.fields,
                correlation_id=self._correlation_id,
            )
            pending.append((record, event))
            state.hand(record.key, mark, record.modified_at)
            if len(pending) >= HANDOFF_BATCH:
                total += self._hand_off(system, obj, pending, worth, state, overlap, last=False)
                seen += len(pending)
                pending = []
            if seen + len(pending) >= self._max:
                break
        if pending or state.unsaved:
            total += self._hand_off(system, obj, pending, worth, state, overlap, last=True)
        elif not seen:
            self._note_checked(connector, obj, cursor, feed)
        count(self._metrics, BusinessMetric.CHANGES_POLLED, total)
        return total

    def _note_checked(
        self, connector: Connector, obj: str, cursor: PollCursor, feed: Feed | None
    ) -> None:
        """Nothing new: note the query (at most twice a sweep), so the sweep waits, and the
        change feed's mark it saw, so the next poll need not query again."""
        fed = feed is not None and (cursor.anchor, cursor.mark) != feed
        if fed or (
            isinstance(connector, SupportsChangedObjects | SupportsChangeMarks)
            and _sweep_due(cursor, SWEEP / 2)
        ):
            update: dict[str, Any] = {"checked_at": datetime.now(UTC)}
            if feed is not None:
                update.update(anchor=feed[0], mark=feed[1])
            checked = cursor.model_copy(update=update)
            self._cursors.put(self._connection.connection_id, connector.system, obj, checked)

    def _hand_off(
        self,
        system: str,
        obj: str,
        pending: list[tuple[SourceRecord, ChangeEvent]],
        worth: Callable[[list[SourceRecord]], list[SourceRecord]],
        state: _CursorState,
        overlap: timedelta,
        *,
        last: bool,
    ) -> int:
        """Queue the events of the records worth it, then move the cursor past all of them
        (saved when ``last``, or when enough was handed since its last save)."""
        kept = {r.ref for r in worth([record for record, _ in pending])}
        events = [event for record, event in pending if record.ref in kept]
        sent = self._publisher.publish(events) if events else 0
        if last or state.save_due():
            self._cursors.put(self._connection.connection_id, system, obj, state.snapshot(overlap))
        return sent


# A key's place in stamp order: marks without a stamp first (they never stay in a window)
_Stamped = tuple[int, datetime | None, str, str]


class _CursorState:
    """The cursor as a poll moves it: ``recent`` holds every key handed off (in the stored
    cursor or in this poll), ``window`` those whose stamp is still inside the overlap window,
    found leaving it through a heap in stamp order, so a snapshot reads only the keys that
    left since the last one rather than every key again."""

    def __init__(self, cursor: PollCursor, feed: Feed | None = None) -> None:
        self.since = cursor.since
        self.recent = dict(cursor.recent)
        self.window = dict(cursor.recent)
        self.unsaved = 0  # records handed since the last snapshot
        self._saved_keys = len(cursor.recent)  # keys the last save held (the stored one)
        self._by_stamp = [_stamped(key, mark) for key, mark in self.recent.items()]
        heapq.heapify(self._by_stamp)
        # with no feed this poll, the noted one stays
        self._noted = feed if feed is not None else (cursor.anchor, cursor.mark)

    def already_handed(self, key: str, mark: str) -> bool:
        return self.recent.get(key) == mark

    def hand(self, key: str, mark: str, modified_at: datetime | None) -> None:
        self.recent[key] = mark
        self.window[key] = mark
        heapq.heappush(self._by_stamp, _stamped(key, mark))
        self.unsaved += 1
        if modified_at and (self.since is None or modified_at > self.since):
            self.since = modified_at

    def save_due(self) -> bool:
        """Whether to save the cursor after this hand-off (it is saved at the end anyway):
        once the records handed since its last save are at least as many as the keys it
        held then (and a hand-off's worth). A burst of N records inside one overlap window
        (every key kept in the cursor) then writes fewer than 3N keys in all, not N squared
        over a hand-off; a poll that dies re-hands at most the records of its last stretch."""
        return self.unsaved >= max(HANDOFF_BATCH, self._saved_keys)

    def snapshot(self, overlap: timedelta) -> PollCursor:
        checked_at = datetime.now(UTC)
        anchor, mark = self._noted
        self.unsaved = 0
        if self.since is None:
            self._saved_keys = len(self.window)
            return PollCursor(
                recent=dict(self.window), checked_at=checked_at, anchor=anchor, mark=mark
            )
        floor = self.since - overlap  # never lower than at the last snapshot
        heap = self._by_stamp
        while heap and (heap[0][1] is None or heap[0][1] < floor):
            _, _, key, mark_of_key = heapq.heappop(heap)
            if self.window.get(key) == mark_of_key:
                del self.window[key]
        self._saved_keys = len(self.window)
        return PollCursor(
            since=self.since,
            recent=dict(self.window),
            checked_at=checked_at,
            anchor=anchor,
            mark=mark,
        )


def _anchored(cursor: PollCursor) -> bool:
    """Whether the cursor's noted change-feed mark still stands (none is noted before the
    first query; the sweep takes a new anchor)."""
    return cursor.mark is not None and not _sweep_due(cursor, SWEEP)


def _window_start(cursor: PollCursor, overlap: timedelta) -> datetime | None:
    """Where an object's next read starts: its cursor less the overlap (None: from the
    first record)."""
    return cursor.since - overlap if cursor.since else None


def _sweep_due(cursor: PollCursor, interval: timedelta) -> bool:
    return cursor.checked_at is None or datetime.now(UTC) - cursor.checked_at >= interval


def _stamped(key: str, mark: str) -> _Stamped:
    stamp = mark.partition("#")[0]
    if not stamp:
        return (0, None, key, mark)
    return (1, datetime.fromisoformat(stamp), key, mark)
