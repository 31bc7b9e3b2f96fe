"""The life of one queue message, written once: parse it, run it once (powertools
idempotency keyed by the message's dedup id), and send it to the DLQ with the reason when
retrying cannot help. Retryable errors propagate, so the batch reports the item as failed
and SQS delivers it again.

Outages (shared/outages.py): a message whose connection has a paused system is parked, not
run; a failure that pauses a system (refused credentials; a run of transient failures) parks
the message too. A parked message is done as far as the queue is concerned: it is re-published
when the connection resumes. Every external call runs under the invocation's deadline
(shared/deadlines.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from aws_lambda_powertools.utilities.idempotency import (
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
    PydanticSerializer,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from shared import deadlines
from shared.errors import AuthenticationError, PermanentError, RetryableError, TransportError
from shared.observability import logger
from shared.runtime import Runtime
from shared.state.pauses import Pause

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


class QueueWorker(ABC, Generic[M, R]):
    queue: str  # QueueSpec.key of the queue whose DLQ takes hopeless messages
    message_type: type[M]
    result_type: type[R]

    def __init__(self, runtime: Runtime, lambda_context: LambdaContext | None = None) -> None:
        self.runtime = runtime
        self._lambda_context = lambda_context

    @staticmethod
    def correlate(message: BaseModel) -> None:
        """Every log line of this message's work carries the id given at the door or poll."""
        correlation_id = getattr(message, "correlation_id", None)
        if correlation_id:
            logger.set_correlation_id(correlation_id)

    @abstractmethod
    def run(self, message: M) -> R:
        """Do the work of one message."""

    def rejected(self, message: M, reason: str) -> None:
        """Called after a message went to the DLQ (audit, metrics, showing the error)."""

    @cached_property
    def _run_once(self) -> Callable[..., R]:
        settings = self.runtime.settings

        def run(message: M) -> R:
            return self.run(message)

        if not settings.idempotency_table_name:
            return run
        store = self.runtime.idempotency_store(type(self).__name__)
        config = IdempotencyConfig(
            event_key_jmespath="dedup_id", expires_after_seconds=settings.idempotency_expiry_s
        )
        if self._lambda_context is not None:
            config.register_lambda_context(self._lambda_context)
        wrapped: Callable[..., R] = idempotent_function(
            run,
            data_keyword_argument="message",
            persistence_store=store,
            config=config,
            output_serializer=PydanticSerializer(model=self.result_type),
        )
        return wrapped

    def handle(self, body: str, message_id: str) -> R | None:
        try:
            message = self.message_type.model_validate_json(body)
        except ValidationError as exc:
            reason = f"not a {self.message_type.__name__}: {_first_error(exc)}"
            self.runtime.dead_letters(self.queue).send(body, reason, "invalid", message_id)
            logger.warning("message dead-lettered", extra={"reason": reason})
            return None
        self.correlate(message)
        with deadlines.bounded(deadlines.of_invocation(self._lambda_context)):
            return self._handle(message, body)

    def _handle(self, message: M, body: str) -> R | None:
        meta: Any = message
        outages = self.runtime.outages
        pauses = outages.paused(meta.connection_id)
        if pauses and self._park(meta, body, pauses):
            return None
        try:
            result = self._run_once(message=message)
        except (AuthenticationError, RetryableError) as exc:
            pause = outages.failed(meta.connection_id, exc)
            if pause is not None and self._park(meta, body, [pause]):
                return None
            if isinstance(exc, RetryableError):
                raise
            if pause is not None:  # resumed while we failed: the credentials may work now
                raise TransportError(f"{exc.system} resumed meanwhile: retry") from exc
            self._dead_letter(message, body, exc)
            return None
        except PermanentError as exc:
            self._dead_letter(message, body, exc)
            return None
        outages.succeeded(meta.connection_id)
        return result

    def _park(self, meta: Any, body: str, pauses: Sequence[Pause]) -> bool:
        return self.runtime.outages.park(
            meta.connection_id,
            pauses,
            queue=self.queue,
            body=body,
            group_id=meta.group_id,
            dedup_id=meta.dedup_id,
        )

    def _dead_letter(self, message: M, body: str, exc: PermanentError) -> None:
        meta: Any = message
        self.runtime.dead_letters(self.queue).send(body, exc.reason, meta.group_id, meta.dedup_id)
        # The reason (the other system's error text) can quote a field value: it goes to
        # the DLQ message and the audit trail, never to the logs.
        logger.warning(
            "message dead-lettered",
            extra={"error": type(exc).__name__, "code": getattr(exc, "code", None)},
        )
        self.rejected(message, exc.reason)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(map(str, err['loc'])) or 'body'}: {err['msg']}"
