"""Run the contract mirrors for every enabled connection; one failing connection does not
stop the others."""

from __future__ import annotations

from typing import Any

from shared.errors import LedgerlinkError
from shared.observability import logger
from shared.runtime import Runtime
from shared.workflows.mirrors import ALL_MIRRORS, ContractMirror


def mirror_all(runtime: Runtime) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for connection_id in runtime.connections.ids():
        try:
            connection = runtime.connections.get(connection_id)
            if not connection.enabled or not connection.contracts.enabled:
                continue
            pair = runtime.pair(connection)
            mirror = ContractMirror(
                connection,
                pair.salesforce,
                pair.intacct,
                runtime.links,
                runtime.cursors,
                runtime.metrics,
                ALL_MIRRORS,
            )
            report[connection_id] = mirror.run()
        except LedgerlinkError as exc:
            logger.error(
                "mirror failed", extra={"connection_id": connection_id, "reason": exc.reason}
            )
            report[connection_id] = {"error": exc.reason}
    return report
