"""Scheduled work runs once per enabled connection; one failing connection does not stop the
others (its error is logged and reported)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.errors import LedgerlinkError
from shared.models.connection import Connection
from shared.observability import logger
from shared.runtime import Runtime


def for_each_connection(
    runtime: Runtime, job: str, work: Callable[[Connection], Any]
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for connection_id in runtime.connections.ids():
        try:
            connection = runtime.connections.get(connection_id)
            if connection.enabled:
                report[connection_id] = work(connection)
        except LedgerlinkError as exc:
            logger.error(
                f"{job} failed", extra={"connection_id": connection_id, "reason": exc.reason}
            )
            report[connection_id] = {"error": exc.reason}
    return report


def run_pair_job(runtime: Runtime, job: str) -> dict[str, Any]:
    """Run the scheduled job named ``job`` for every enabled connection whose pair has one."""
    from shared.pairs.registry import pair_of

    def run(connection: Connection) -> Any:
        work = pair_of(connection).jobs.get(job)
        return None if work is None else work(runtime.context(connection))

    return for_each_connection(runtime, job, run)
