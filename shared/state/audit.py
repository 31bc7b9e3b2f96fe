"""The audit trail: what ledgerlink decided about each record, and why. Field names and ids
only, never values.

A decision that saves the record's link (created, updated, a conflict decided) travels in
the link's own item (its ``notes``, the latest few), so it costs no write of its own; every
other decision (rejected, filtered ...) is an item of its own, kept 90 days. ``history``
gives both, oldest first."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from shared.models.audit import AuditEntry
from shared.models.events import RecordRef
from shared.state import keys
from shared.state.links import LinkStore

RETENTION_S = 90 * 24 * 3600


class AuditTrail:
    def __init__(self, table: Any, links: LinkStore | None = None) -> None:
        self._table = table
        self._links = links

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
        entries = [AuditEntry.model_validate_json(item["entry"]) for item in page["Items"]]
        link = self._links.get(connection_id, ref) if self._links is not None else None
        if link is not None:
            entries.extend(note for note in link.notes if note.ref == ref)
        return sorted(entries, key=lambda e: e.at)
