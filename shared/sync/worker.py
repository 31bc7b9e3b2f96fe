"""One message of changes.fifo: a ChangeEvent through the sync engine."""

from __future__ import annotations

from shared.models.events import ChangeEvent
from shared.observability import BusinessMetric, count, logger
from shared.queue_worker import QueueWorker
from shared.sync.outcome import Outcome
from shared.topology import CHANGES


class ChangeWorker(QueueWorker[ChangeEvent, Outcome]):
    queue = CHANGES.key
    result_type = Outcome
    message_type = ChangeEvent

    def run(self, message: ChangeEvent) -> Outcome:
        connection = self.runtime.connections.get(message.connection_id)
        outcome = self.runtime.engine(connection).apply(message)
        logger.info(
            "change synced",
            extra={"ref": str(message.ref), "action": outcome.action, "target": outcome.target},
        )
        return outcome

    def rejected(self, message: ChangeEvent, reason: str) -> None:
        self.runtime.audit.record(message.connection_id, message.ref, "rejected", reason=reason)
        count(self.runtime.metrics, BusinessMetric.RECORD_REJECTED)
