"""What the engine did with one event: returned to the handler, stored by idempotency."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    LINKED_EXISTING = "linked_existing"
    ECHO_SKIPPED = "echo_skipped"
    STALE_SKIPPED = "stale_skipped"
    FILTERED = "filtered"
    SOURCE_MISSING = "source_missing"
    DELETE_NOT_PROPAGATED = "delete_not_propagated"
    CONFLICT_KEPT_TARGET = "conflict_kept_target"
    SKIPPED = "skipped"  # changed on both sides, and the mapping says skip
    CLONED = "cloned"  # changed on both sides: a new counterpart, the old one set aside
    TRIGGERED = "triggered"  # a record no mapping syncs set a workflow off (or not)


class Outcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Action
    source: str
    target: str | None = None
    fields: tuple[str, ...] = ()  # names of the fields written (never their values)
    conflicts: tuple[str, ...] = ()
