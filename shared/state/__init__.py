"""DynamoDB access: one table, keys that read like sentences."""

from shared.state.audit import AuditTrail
from shared.state.connections import ConnectionStore
from shared.state.cursors import CursorStore, PollCursor
from shared.state.links import LinkStore
from shared.state.pauses import PauseStore
from shared.state.secrets import SecretStore

__all__ = [
    "AuditTrail",
    "ConnectionStore",
    "CursorStore",
    "LinkStore",
    "PauseStore",
    "PollCursor",
    "SecretStore",
]
