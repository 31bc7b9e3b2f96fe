"""Poll every enabled connection's ERP for changes."""

from __future__ import annotations

from typing import Any

from shared.models.connection import Connection
from shared.runtime import Runtime
from shared.scheduled import for_each_connection
from shared.sync.poller import Poller


def poll_all(runtime: Runtime) -> dict[str, Any]:
    def poll(connection: Connection) -> dict[str, int]:
        poller = Poller(
            connection,
            runtime.systems(connection),
            runtime.cursors,
            runtime.publisher("changes"),
            runtime.metrics,
        )
        return poller.poll()

    return for_each_connection(runtime, "poll", poll)
