"""Poll every enabled connection; one failing connection does not stop the others."""

from __future__ import annotations

from typing import Any

from shared.errors import LedgerlinkError
from shared.observability import logger
from shared.runtime import Runtime
from shared.sync.poller import Poller


def poll_all(runtime: Runtime) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for connection_id in runtime.connections.ids():
        try:
            connection = runtime.connections.get(connection_id)
            if not connection.enabled:
                continue
            poller = Poller(
                connection,
                runtime.systems(connection),
                runtime.cursors,
                runtime.publisher("changes"),
                runtime.metrics,
            )
            report[connection_id] = poller.poll()
        except LedgerlinkError as exc:
            logger.error(
                "poll failed", extra={"connection_id": connection_id, "reason": exc.reason}
            )
            report[connection_id] = {"error": exc.reason}
    return report
