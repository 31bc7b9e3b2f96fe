"""Every key of the state table, in one place."""

from __future__ import annotations

from shared.models.events import RecordRef

CONFIG = "CONFIG"  # sort key of a connection's configuration
REGISTRY_PK = "CONNECTIONS"  # partition listing every connection id
LINK_SK = "LINK"
CURSOR_SK = "CURSOR"


def connection(connection_id: str) -> str:
    return f"CONN#{connection_id}"


def link(connection_id: str, ref: RecordRef) -> str:
    return f"LINK#{connection_id}#{ref.system}#{ref.object}#{ref.record_id}"


def cursor(connection_id: str, system: str, obj: str) -> str:
    return f"CURSOR#{connection_id}#{system}#{obj}"


def audit(connection_id: str, ref: RecordRef) -> str:
    return f"AUDIT#{connection_id}#{ref.system}#{ref.object}#{ref.record_id}"


def audit_entry(at_iso: str, unique: str) -> str:
    """Audit sort keys sort by time; ``unique`` separates entries of the same instant."""
    return f"{at_iso}#{unique}"


def connection_id_of(registry_sk: str) -> str:
    return registry_sk.removeprefix("CONN#")


# -- outages: one partition per connection holds its paused systems, its failure counters and
# the messages parked while it is paused (shared/state/pauses.py).
PAUSED_PREFIX = "PAUSED#"
FAILURES_PREFIX = "FAILURES#"
PARKED_PREFIX = "PARKED#"


def outage(connection_id: str) -> str:
    return f"OUTAGE#{connection_id}"


def paused(system: str) -> str:
    return f"{PAUSED_PREFIX}{system}"


def failures(system: str) -> str:
    return f"{FAILURES_PREFIX}{system}"


def parked(at_iso: str, unique: str) -> str:
    """Parked messages sort by when they were parked (re-published in that order)."""
    return f"{PARKED_PREFIX}{at_iso}#{unique}"


# -- backfill: one partition per connection holds a checkpoint per mapping and side
# (shared/backfill/checkpoints.py).
BACKFILL_PREFIX = "BACKFILL#"


def backfill(connection_id: str) -> str:
    return f"{BACKFILL_PREFIX}{connection_id}"


def backfill_step(mapping: str, side: str) -> str:
    return f"{mapping}#{side}"
