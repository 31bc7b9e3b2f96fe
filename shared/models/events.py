"""ChangeEvent: the one currency between ingestion (webhooks, polling) and sync."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from shared.models.systems import SYSTEM_NAME


def new_correlation_id() -> str:
    return uuid.uuid4().hex


class Operation(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


class RecordRef(BaseModel):
    """A record in one system: ``salesforce/Account/001...`` or ``intacct/CUSTOMER/C-100``."""

    model_config = ConfigDict(frozen=True)

    system: str = Field(pattern=SYSTEM_NAME)  # a registered system plug-in's name
    object: str = Field(min_length=1, max_length=80)
    record_id: str = Field(min_length=1, max_length=255)

    def __str__(self) -> str:
        return f"{self.system}/{self.object}/{self.record_id}"


class ChangeEvent(BaseModel):
    """Something changed in one system; the worker will fetch it fresh and sync it."""

    model_config = ConfigDict(frozen=True)

    connection_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    ref: RecordRef
    operation: Operation = Operation.UPSERT
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    source: Literal["webhook", "poll", "action", "repair"]  # repair: write every mapped field
    source_event_id: str | None = None  # outbound-message Notification Id; poll: content digest
    version: str | None = None  # the source's modification stamp (ISO 8601), when known
    # A poller has just read the record: carrying it saves the worker one billed read.
    snapshot: dict[str, Any] | None = None
    # The source told this version is the record's creation (a webhook's notice): its copy's
    # first write may then prove it unlinked instead of a read (SyncEngine.plan).
    created: bool = False
    # One id from the door or the poll to the final write, in every log line on the way.
    correlation_id: str = Field(default_factory=new_correlation_id, max_length=64)

    @property
    def group_id(self) -> str:
        """FIFO group: one record's events are processed in order, others in parallel."""
        return f"{self.connection_id}/{self.ref}"[:128]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dedup_id(self) -> str:
        """Same record, same version and same source event within 5 minutes (SQS) or the
        idempotency window = one message. A poller's source event is a digest of what it read,
        so an edit that keeps a coarse stamp (Intacct's are whole seconds) is still new."""
        basis = "|".join(
            [
                self.connection_id,
                str(self.ref),
                self.operation,
                self.version or "",
                self.source_event_id or "",
                "" if (self.version or self.source_event_id) else self.occurred_at.isoformat(),
            ]
        )
        return hashlib.sha256(basis.encode()).hexdigest()
