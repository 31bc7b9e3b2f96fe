"""Pydantic models that cross boundaries: queues, the state table, connection configs."""

from shared.models.connection import ConflictPolicy, Connection, ConnectionSecrets
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.models.links import SideState, SyncLink
from shared.models.records import SourceRecord, WriteResult

__all__ = [
    "ChangeEvent",
    "ConflictPolicy",
    "Connection",
    "ConnectionSecrets",
    "Operation",
    "RecordRef",
    "SideState",
    "SourceRecord",
    "SyncLink",
    "WriteResult",
]
