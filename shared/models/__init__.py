"""Pydantic models that cross boundaries: queues, the state table, connection configs."""

from shared.models.connection import (
    ConflictPolicy,
    Connection,
    ConnectionSecrets,
    ContractSettings,
    IntacctSettings,
    SalesforceSettings,
)
from shared.models.events import ChangeEvent, Operation, RecordRef, System
from shared.models.links import SideState, SyncLink
from shared.models.records import SourceRecord, WriteResult

__all__ = [
    "ChangeEvent",
    "ConflictPolicy",
    "Connection",
    "ConnectionSecrets",
    "ContractSettings",
    "IntacctSettings",
    "Operation",
    "RecordRef",
    "SalesforceSettings",
    "SideState",
    "SourceRecord",
    "SyncLink",
    "System",
    "WriteResult",
]
