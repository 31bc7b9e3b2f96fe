"""Run the contract mirrors for every enabled connection."""

from __future__ import annotations

from typing import Any

from shared.models.connection import Connection
from shared.runtime import Runtime
from shared.scheduled import for_each_connection
from shared.workflows.mirrors import ALL_MIRRORS, ContractMirror


def mirror_all(runtime: Runtime) -> dict[str, Any]:
    def mirror(connection: Connection) -> dict[str, int] | None:
        if not connection.contracts.enabled:
            return None
        pair = runtime.pair(connection)
        return ContractMirror(
            connection,
            pair.salesforce,
            pair.intacct,
            runtime.links,
            runtime.cursors,
            runtime.metrics,
            ALL_MIRRORS,
        ).run()

    return for_each_connection(runtime, "mirror", mirror)
