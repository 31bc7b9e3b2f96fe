"""Poll cursors: the last modification stamp handed off, plus the keys handed off inside the
overlap window (so a record modified again in the same second is not missed, and one we
already handed off is not sent twice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shared.state import keys


class PollCursor(BaseModel):
    since: datetime | None = None
    recent: dict[str, str] = Field(default_factory=dict)  # key -> "<stamp>#<content digest>"
    checked_at: datetime | None = None  # our clock, when the object was last queried


class CursorStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    def get(self, connection_id: str, system: str, obj: str) -> PollCursor:
        item = self._table.get_item(
            Key={"pk": keys.cursor(connection_id, system, obj), "sk": keys.CURSOR_SK},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return PollCursor()
        return PollCursor.model_validate_json(item["cursor"])

    def put(self, connection_id: str, system: str, obj: str, cursor: PollCursor) -> None:
        self._table.put_item(
            Item={
                "pk": keys.cursor(connection_id, system, obj),
                "sk": keys.CURSOR_SK,
                "cursor": cursor.model_dump_json(),
            }
        )
