"""Every key of the state table, in one place."""

from __future__ import annotations

from shared.models.events import RecordRef

CONFIG = "CONFIG"
REGISTRY_PK = "CONNECTIONS"


def connection(connection_id: str) -> str:
    return f"CONN#{connection_id}"


def link(connection_id: str, ref: RecordRef) -> str:
    return f"LINK#{connection_id}#{ref.system}#{ref.object}#{ref.record_id}"


def cursor(connection_id: str, system: str, obj: str) -> str:
    return f"CURSOR#{connection_id}#{system}#{obj}"


def audit(connection_id: str, ref: RecordRef) -> str:
    return f"AUDIT#{connection_id}#{ref.system}#{ref.object}#{ref.record_id}"
