"""A link: "these two records are the same thing", and what we last knew of each side.

Per side we keep the source's last seen modification stamp and, per field path, a short hash
of the value last seen or written. Hashes, not values: the state table holds no record
payloads. A change whose hashes equal the stored ones is our own echo (or touches no mapped
field) and is dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.mapping.fields import Side
from shared.models.audit import AuditEntry
from shared.models.events import RecordRef

MAX_NOTES = 5  # decisions kept in a link (the separate audit items are kept 90 days)


class WrittenVersion(BaseModel):
    """A version ledgerlink wrote to a side whose writes it does not read back: the digest of
    the values that would flow back out, and when the write was acknowledged."""

    model_config = ConfigDict(frozen=True)

    digest: str
    at: datetime  # when the write was acknowledged
    sent_at: datetime | None = None  # when it was sent: a version stamped before is older
    fields: tuple[str, ...] = ()  # the paths it wrote


class SideState(BaseModel):
    model_config = ConfigDict(frozen=True)

    ref: RecordRef
    internal_id: str | None = None
    modified_at: datetime | None = None  # stamp of the last version read from this side
    hashes: dict[str, str] = Field(default_factory=dict)
    # Digest of the last version read (not written): with coarse stamps, a read at the same
    # stamp and with this content is that version again, however our writes changed hashes.
    seen_digest: str | None = None
    # Our writes not yet seen in a read, newest last: a read showing one of them is our own
    # echo arriving late (a slow system, a poll that raced our write), never a change.
    written: tuple[WrittenVersion, ...] = ()


class SyncLink(BaseModel):
    model_config = ConfigDict(frozen=True)

    connection_id: str
    mapping: str
    crm: SideState | None = None
    erp: SideState | None = None
    # The side whose record was seen first: the link is stored under that record's key, and
    # the other record's key points to it (shared/state/links.py).
    home: Side = Side.CRM
    claimed: tuple[RecordRef, ...] = ()  # the other records whose pointers are written
    # detached: a record set aside (its counterpart was cloned away), never synced again
    status: Literal["pending", "linked", "detached"] = "linked"
    origin: Side | None = None  # while pending: the side whose record is being copied
    # While pending: the copy exists and both sides' states are recorded; only the steps
    # after the write (showing the key, the audit, the metric) remain.
    written: bool = False
    # The latest decisions that saved this link (the audit trail's, without a write of
    # their own: shared/state/audit.py), newest last
    notes: tuple[AuditEntry, ...] = ()
    rev: int = 0  # optimistic concurrency: every save must see the rev it read
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def side(self, side: Side) -> SideState | None:
        return self.crm if side is Side.CRM else self.erp

    def with_side(self, side: Side, state: SideState) -> SyncLink:
        return self.model_copy(update={side.value: state})

    def refs(self) -> list[RecordRef]:
        return [s.ref for s in (self.crm, self.erp) if s is not None]

    def noted(self, entry: AuditEntry) -> SyncLink:
        """With ``entry`` as its newest note (the oldest dropped past MAX_NOTES)."""
        return self.model_copy(update={"notes": (*self.notes, entry)[-MAX_NOTES:]})

    def home_ref(self) -> RecordRef:
        state = self.side(self.home)
        if state is None:
            raise ValueError(f"a {self.mapping} link without its home ({self.home}) record")
        return state.ref
