"""The life of one queue message, written once: parse it, run it once (powertools
idempotency keyed by the message's dedup id), and send it to the DLQ with the reason when
retrying cannot help. Retryable errors propagate, so the batch reports the item as failed
and SQS delivers it again.

Renewals: SQS moves a message to the DLQ by itself after its queue's ``maxReceiveCount``
deliveries, without a reason. A retryable failure is not the record's fault (a child
waiting for its parent's link, a rate limit that outlived the retries), so at its last
delivery the worker does not let that happen: it publishes a fresh copy of the message
(``renewals`` one higher, a message attribute) and the delivery is done. After ``RENEWALS``
copies it sends the message to the DLQ itself, with the reason it kept failing.

Outages (shared/outages.py): a message whose connection has a paused system is parked, not
run; a failure that pauses a system (refused credentials; a run of transient failures) parks
the message too. A parked message is done as far as the queue is concerned: it is re-published
when the connection resumes. Every external call runs under the invocation's deadline
(shared/deadlines.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from shared import deadlines
from shared.errors import (
    AuthenticationError,
    LedgerlinkError,
    PermanentError,
    RetryableError,
    TransportError,
)
from shared.observability import logger
from shared.queues import PublishError, Resent
from shared.runtime import Runtime
from shared.state.pauses import Pause
from shared.topology import queue as queue_spec

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)

# Fresh copies a message that keeps failing retryably may get at its last delivery: on AWS
# each copy is another maxReceiveCount x visibility timeout (15 minutes on the change queue),
# so a change waits for its parent about 1 h 45 min in all before the DLQ.
RENEWALS = 6
RENEWALS_ATTRIBUTE = "renewals"


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

    def redelivered(self, message: M) -> M:
        """The message as a redelivery runs it (an earlier delivery failed): as it is, unless
        the worker says otherwise."""
        return message

    def rejected(self, message: M, reason: str) -> None:
        """Called after a message went to the DLQ (audit, metrics, showing the error)."""

    @cached_property
    def _run_once(self) -> Callable[..., R]:
        settings = self.runtime.settings

        def run(message: M) -> R:
            return self.run(message)

        if not settings.idempotency_table_name:
            return run
        # Imported here: only the workers that keep an idempotency record pay for it at
        # their first message (the change worker overrides ``run_many`` and never gets here).
        from aws_lambda_powertools.utilities.idempotency import (
            IdempotencyConfig,
            idempotent_function,
        )
        from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
            PydanticSerializer,
        )

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

    def handle_batch(self, queued: Sequence[QueuedMessage]) -> list[tuple[str, RetryableError]]:
        """A batch as SQS hands it over: every message parsed, run (``run_many``: a worker
        may share calls between them) and settled. Answers the messages to deliver again,
        each with its error; every other message is done (run, dead-lettered or parked).

        FIFO: once a message of a group fails, the later messages of that group in the
        batch are not run and are delivered again after it."""
        parsed: list[tuple[M, QueuedMessage]] = []
        for item in queued:
            message = self._parse(item)
            if message is not None:
                redelivered = item.receive_count > 1 or item.renewals > 0
                parsed.append((self.redelivered(message) if redelivered else message, item))
        if parsed:
            self.correlate(parsed[0][0])
        with deadlines.bounded(deadlines.of_invocation(self._lambda_context)):
            runnable = self._not_parked(parsed)
            results = self.run_many([m for m, _ in runnable]) if runnable else []
            return self._settle(runnable, results)

    def run_many(self, messages: Sequence[M]) -> list[R | LedgerlinkError]:
        """Run each message once, in order, each answer its result or its own error; a
        message of a group that already failed here is not run."""
        results: list[R | LedgerlinkError] = []
        blocked: dict[str, RetryableError] = {}
        for message in messages:
            group = _meta(message).group_id
            if group in blocked:
                results.append(_BehindFailedError(blocked[group]))
                continue
            try:
                results.append(self._run_once(message=message))
            except LedgerlinkError as exc:
                results.append(exc)
                if isinstance(exc, RetryableError):
                    blocked[group] = exc
        return results

    def _parse(self, item: QueuedMessage) -> M | None:
        try:
            return self.message_type.model_validate_json(item.body)
        except ValidationError as exc:
            reason = f"not a {self.message_type.__name__}: {_first_error(exc)}"
            self.runtime.dead_letters(self.queue).send(
                item.body, reason, "invalid", item.message_id
            )
            logger.warning("message dead-lettered", extra={"reason": reason})
            return None

    def _not_parked(self, parsed: list[tuple[M, QueuedMessage]]) -> list[tuple[M, QueuedMessage]]:
        """Park the messages of connections with a paused system (one read per connection)."""
        pauses: dict[str, list[Pause]] = {}
        runnable = []
        for message, item in parsed:
            connection_id = _meta(message).connection_id
            if connection_id not in pauses:
                pauses[connection_id] = self.runtime.outages.paused(connection_id)
            if pauses[connection_id] and self._park(
                _meta(message), item.body, pauses[connection_id]
            ):
                continue
            runnable.append((message, item))
        return runnable

    def _settle(
        self, runnable: list[tuple[M, QueuedMessage]], results: Sequence[R | LedgerlinkError]
    ) -> list[tuple[str, RetryableError]]:
        outages = self.runtime.outages
        again: list[tuple[M, QueuedMessage, RetryableError]] = []
        counted: dict[int, Pause | None] = {}  # one failure counts once, however many shared it
        succeeded: set[str] = set()
        for (message, item), result in zip(runnable, results, strict=True):
            meta = _meta(message)
            if isinstance(result, _BehindFailedError):
                again.append((message, item, result))
            elif isinstance(result, AuthenticationError | RetryableError):
                if id(result) not in counted:
                    counted[id(result)] = outages.failed(meta.connection_id, result)
                pause = counted[id(result)]
                if pause is not None and self._park(meta, item.body, [pause]):
                    continue
                if isinstance(result, RetryableError):
                    again.append((message, item, result))
                elif pause is not None:  # resumed while we failed: the credentials may work now
                    error = TransportError(f"{result.system} resumed meanwhile: retry")
                    again.append((message, item, error))
                else:
                    self._dead_letter(message, item.body, result)
            elif isinstance(result, PermanentError):
                self._dead_letter(message, item.body, result)
            elif isinstance(result, LedgerlinkError):
                raise result  # neither retryable nor permanent: a defect
            elif meta.connection_id not in succeeded:  # done
                succeeded.add(meta.connection_id)
                outages.succeeded(meta.connection_id)
        return self._deliver_again(again)

    def _deliver_again(
        self, failed: list[tuple[M, QueuedMessage, RetryableError]]
    ) -> list[tuple[str, RetryableError]]:
        """The failed messages SQS may deliver again; at a message's last delivery, a fresh
        copy instead (one request for the batch's copies) or, after ``RENEWALS`` copies, the
        DLQ with the reason (see the module docstring)."""
        last = queue_spec(self.queue).max_receive_count
        again: list[tuple[str, RetryableError]] = []
        renew: list[tuple[str, Resent]] = []  # (message id, its copy)
        for message, item, error in failed:
            if item.receive_count < last:
                again.append((item.message_id, error))
            elif item.renewals < RENEWALS:
                renew.append((item.message_id, _renewal(message, item)))
            else:
                deliveries = (item.renewals + 1) * last
                reason = f"still failing after {deliveries} deliveries: {error.reason}"
                self._dead_letter(message, item.body, _ExhaustedError(reason))
        if renew:
            try:
                self.runtime.publisher(self.queue).publish(copy for _, copy in renew)
            except PublishError as exc:
                # SQS takes them to the DLQ after this delivery, without our reason
                again += [(message_id, exc) for message_id, _ in renew]
            else:
                logger.info("messages renewed at their last delivery", extra={"count": len(renew)})
        return again

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


class QueuedMessage(NamedTuple):
    body: str
    message_id: str
    receive_count: int = 1  # SQS ApproximateReceiveCount: above 1, a redelivery
    renewals: int = 0  # fresh copies made of it so far (see the module docstring)


def _renewal(message: BaseModel, item: QueuedMessage) -> Resent:
    """A fresh copy of a message at its last delivery: the body as the redelivery ran it (a
    change reads its record fresh), ``renewals`` one higher."""
    meta = _meta(message)
    renewals = item.renewals + 1
    return Resent(
        message.model_dump_json(),
        meta.group_id,
        meta.dedup_id,
        occasion=f"renewal|{renewals}",
        message_attributes={RENEWALS_ATTRIBUTE: str(renewals)},
    )


class _ExhaustedError(PermanentError):
    """A retryable failure that outlasted every delivery and renewal."""


class _BehindFailedError(RetryableError):
    """Not run: an earlier message of its FIFO group failed in this batch."""

    def __init__(self, ahead: RetryableError) -> None:
        super().__init__(f"behind a failed message of its group: {ahead.reason}")


def _meta(message: BaseModel) -> Any:
    """What every queue message has: connection_id, group_id, dedup_id."""
    return message


def batch_response(worker: QueueWorker[Any, Any], event: Mapping[str, Any]) -> dict[str, Any]:
    """An SQS event through ``worker``; the answer reports the messages to deliver again
    (partial batch failures: the event source mapping has ReportBatchItemFailures)."""
    queued = [
        QueuedMessage(r["body"], r["messageId"], _receive_count(r), _renewals(r))
        for r in event.get("Records", [])
    ]
    failed = worker.handle_batch(queued)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id, _ in failed]}


def _receive_count(record: Mapping[str, Any]) -> int:
    count = str(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
    return int(count) if count.isdigit() else 1


def _renewals(record: Mapping[str, Any]) -> int:
    attribute = record.get("messageAttributes", {}).get(RENEWALS_ATTRIBUTE) or {}
    value = str(attribute.get("stringValue") or "0")
    return int(value) if value.isdigit() else 0


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(map(str, err['loc'])) or 'body'}: {err['msg']}"
