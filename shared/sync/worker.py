"""One message of changes.fifo, start to finish: parse, sync once, or dead-letter with the
reason when retrying cannot help. Retryable errors propagate so SQS redelivers."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
    PydanticSerializer,
)
from pydantic import ValidationError

from shared.errors import PermanentError
from shared.models.events import ChangeEvent
from shared.observability import BusinessMetric, count, logger
from shared.runtime import Runtime
from shared.sync.outcome import Outcome


class ChangeWorker:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    @cached_property
    def _apply_once(self) -> Callable[..., Outcome]:
        """engine.apply under powertools idempotency, keyed by the event's dedup id: a
        message delivered again after it was processed returns the stored outcome."""
        settings = self._runtime.settings

        def apply(event: ChangeEvent) -> Outcome:
            connection = self._runtime.connections.get(event.connection_id)
            return self._runtime.engine(connection).apply(event)

        if not settings.idempotency_table_name:
            return apply
        store = DynamoDBPersistenceLayer(
            table_name=settings.idempotency_table_name,
            boto3_client=self._runtime.dynamodb.meta.client,
        )
        config = IdempotencyConfig(
            event_key_jmespath="dedup_id", expires_after_seconds=settings.idempotency_expiry_s
        )
        wrapped: Callable[..., Outcome] = idempotent_function(
            apply,
            data_keyword_argument="event",
            persistence_store=store,
            config=config,
            output_serializer=PydanticSerializer,
        )
        return wrapped

    def handle(self, body: str, message_id: str) -> Outcome | None:
        try:
            event = ChangeEvent.model_validate_json(body)
        except ValidationError as exc:
            reason = f"not a ChangeEvent: {_first_error(exc)}"
            self._runtime.dead_letters("changes").send(body, reason, "invalid", message_id)
            logger.warning("change message dead-lettered", extra={"reason": reason})
            return None
        try:
            outcome = self._apply_once(event=event)
        except PermanentError as exc:
            self._reject(event, body, exc.reason)
            return None
        logger.info(
            "change synced",
            extra={"ref": str(event.ref), "action": outcome.action, "target": outcome.target},
        )
        return outcome

    def _reject(self, event: ChangeEvent, body: str, reason: str) -> None:
        self._runtime.dead_letters("changes").send(body, reason, event.group_id, event.dedup_id)
        self._runtime.audit.record(event.connection_id, event.ref, "rejected", reason=reason)
        count(self._runtime.metrics, BusinessMetric.RECORD_REJECTED)
        logger.warning("change rejected", extra={"ref": str(event.ref), "reason": reason})


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(map(str, err['loc'])) or 'body'}: {err['msg']}"
