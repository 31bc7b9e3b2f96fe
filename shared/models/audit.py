"""An audit entry: what ledgerlink decided about one record, and why. Field names and ids
only, never values."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from shared.models.events import RecordRef


class AuditEntry(BaseModel):
    at: datetime
    ref: RecordRef
    action: str  # created, updated, conflict_resolved, rejected ...
    detail: dict[str, str]
