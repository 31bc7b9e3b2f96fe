"""Poll cursors: the last modification stamp handed off, plus the keys handed off inside the
overlap window (so a record modified again in the same second is not missed, and one we
already handed off is not sent twice).

A cursor is stored compressed (:mod:`shared.state.packed`, as links are), so a poll that
hands off a few hundred records writes and reads a few units, not one per kilobyte of keys.
A cursor stored before, as plain JSON, still reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.state import keys
from shared.state.packed import pack, unpack


class PollCursor(BaseModel):
    since: datetime | None = None
    recent: dict[str, str] = Field(default_factory=dict)  # key -> "<stamp>#<content digest>"
    checked_at: datetime | None = None  # our clock, when the object was last queried
    # The system's change feed for the object when it was last queried: the mark it gave
    # for changes at or after the anchor (``SupportsChangeMarks``)
    anchor: datetime | None = None
    mark: str | None = None


class CursorStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def get(self, connection_id: str, system: str, obj: str) -> PollCursor:
        """The cursor, with an eventually consistent read (half a strong one's units, for
        each polled object on every poll). Polls are a schedule's minutes apart; a cursor
        read before the last poll's write settled is an older one, which only ever makes a
        poll read a window again (what it hands twice is dropped as a no-op), never skip."""
        item = self._table.get_item(
            Key={"pk": keys.cursor(connection_id, system, obj), "sk": keys.CURSOR_SK}
        ).get("Item")
        if item is None:
            return PollCursor()
        if "z" in item:
            return unpack(item["z"], PollCursor)
        return PollCursor.model_validate_json(item["cursor"])

    def put(self, connection_id: str, system: str, obj: str, cursor: PollCursor) -> None:
        self._table.put_item(
            Item={
                "pk": keys.cursor(connection_id, system, obj),
                "sk": keys.CURSOR_SK,
                "z": pack(cursor),
            }
        )
