"""The audit trail: what ledgerlink decided about each record, and why. Field names and ids
only, never values."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from shared.models.events import RecordRef
from shared.state import keys

RETENTION_S = 90 * 24 * 3600


class AuditEntry(BaseModel):
    at: datetime
    ref: RecordRef
    action: str  # created, updated, echo_skipped, conflict_resolved, rejected ...
    detail: dict[str, str]


class AuditTrail:
    def __init__(self, table: Any) -> None:
        self._table = table

    def record(self, connection_id: str, ref: RecordRef, action: str, **detail: str) -> AuditEntry:
        entry = AuditEntry(at=datetime.now(UTC), ref=ref, action=action, detail=detail)
        self._table.put_item(
            Item={
                "pk": keys.audit(connection_id, ref),
                "sk": keys.audit_entry(entry.at.isoformat(), uuid.uuid4().hex[:8]),
                "entry": entry.model_dump_json(),
                "expires_at": int(time.time()) + RETENTION_S,
            }
        )
        return entry

    def history(self, connection_id: str, ref: RecordRef) -> list[AuditEntry]:
        page = self._table.query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": keys.audit(connection_id, ref)},
        )
        return [AuditEntry.model_validate_json(item["entry"]) for item in page["Items"]]
