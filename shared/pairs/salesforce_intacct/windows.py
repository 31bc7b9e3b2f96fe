"""Incremental reads for the pair's scheduled copies (sales mirrors, price lists): what changed
since a cursor, read with the pollers' overlap, and what of it was not written already.

The overlap (``poll_overlap_s``) makes every run read again the records of its last seconds,
so none is missed when several share a stamp; the cursor's ``recent`` map remembers which of
those were written at which stamp, so reading them again writes nothing. A record that could
not be written (refused, or waiting for something) is neither remembered nor passed: the
cursor stays before it and the next run tries it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.models.records import SourceRecord
from shared.state.cursors import CursorStore, PollCursor
from shared.sync.hashing import record_digest

Fetch = Callable[[datetime | None], Iterable[SourceRecord]]


@dataclass(frozen=True)
class Window:
    system: str  # the cursor's namespace, e.g. "intacct-sales-mirror"
    object: str
    cursor: PollCursor
    records: list[SourceRecord]  # everything read, the overlap included

    @property
    def fresh(self) -> list[SourceRecord]:
        """The records not already written at their current stamp."""
        return [r for r in self.records if self.cursor.recent.get(r.key) != _stamp(r)]


def _stamp(record: SourceRecord) -> str:
    """The version a record was written at: its stamp and, as Intacct's stamps are whole
    seconds, a digest of its content (an edit within the same second is a new version)."""
    stamp = record.modified_at.isoformat() if record.modified_at else ""
    return f"{stamp}#{record_digest(record.fields)}"


def read(
    cursors: CursorStore,
    connection_id: str,
    system: str,
    obj: str,
    overlap: timedelta,
    fetch: Fetch,
) -> Window:
    cursor = cursors.get(connection_id, system, obj)
    since = cursor.since - overlap if cursor.since else None
    return Window(system, obj, cursor, list(fetch(since)))


def commit(
    cursors: CursorStore,
    connection_id: str,
    window: Window,
    overlap: timedelta,
    *,
    not_written: Sequence[SourceRecord] = (),
) -> None:
    """Move the cursor past what the window read and remember what was written; a record in
    ``not_written`` keeps the cursor before it (read again next run)."""
    stamps = [r.modified_at for r in window.records if r.modified_at is not None]
    if not stamps:
        return
    newest = max(stamps)
    held = {r.key for r in not_written}
    waiting = [r.modified_at for r in not_written if r.modified_at is not None]
    if waiting:
        newest = min(newest, min(waiting) - overlap - timedelta(seconds=1))
    if window.cursor.since is not None and newest < window.cursor.since:
        newest = window.cursor.since
    floor = newest - overlap
    recent = {
        key: stamp
        for key, stamp in window.cursor.recent.items()
        if stamp.partition("#")[0] and datetime.fromisoformat(stamp.partition("#")[0]) >= floor
    }
    for record in window.records:
        if record.key in held or record.modified_at is None:
            recent.pop(record.key, None)
        elif record.modified_at >= floor:
            recent[record.key] = _stamp(record)
    updated = PollCursor(since=newest, recent=recent)
    if updated != window.cursor:
        cursors.put(connection_id, window.system, window.object, updated)
