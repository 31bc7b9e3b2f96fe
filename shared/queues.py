"""Publishing to the SQS FIFO queues, and moving hopeless messages to a DLQ with the reason."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from shared.errors import RetryableError

SQS_BATCH = 10


class FifoMessage(Protocol):
    @property
    def group_id(self) -> str: ...

    @property
    def dedup_id(self) -> str: ...

    def model_dump_json(self) -> str: ...


class Resent(NamedTuple):
    """A message sent again, as it is (a parked one when its connection resumes, a fresh
    copy at a last delivery): its body and FIFO group, and a dedup id of its own made from
    the message's and ``occasion`` (SQS drops a dedup id it saw in the last five minutes).
    The workers' idempotency key, the body's own dedup id, is unchanged: it still runs once."""

    body: str
    group_id: str
    message_dedup_id: str
    occasion: str
    message_attributes: Mapping[str, str] = MappingProxyType({})

    @property
    def dedup_id(self) -> str:
        return hashlib.sha256(f"{self.message_dedup_id}|{self.occasion}".encode()).hexdigest()

    def model_dump_json(self) -> str:
        return self.body


class PublishError(RetryableError):
    """SQS refused some messages of a batch."""


class QueuePublisher:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def publish(self, messages: Iterable[FifoMessage]) -> int:
        batch: list[FifoMessage] = []
        sent = 0
        for message in messages:
            batch.append(message)
            if len(batch) == SQS_BATCH:
                sent += self._send(batch)
                batch = []
        if batch:
            sent += self._send(batch)
        return sent

    def _send(self, batch: Sequence[FifoMessage]) -> int:
        entries = [_entry(i, m) for i, m in enumerate(batch)]
        answer = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries)
        failed = answer.get("Failed", [])
        if failed:
            codes = ", ".join(sorted({f.get("Code", "?") for f in failed}))
            raise PublishError(f"SQS refused {len(failed)} of {len(batch)} messages: {codes}")
        return len(entries)


def _entry(index: int, message: FifoMessage) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Id": str(index),
        "MessageBody": message.model_dump_json(),
        "MessageGroupId": message.group_id,
        "MessageDeduplicationId": message.dedup_id,
    }
    # String message attributes, where the message has some (a renewal's count)
    attributes: Mapping[str, str] = getattr(message, "message_attributes", None) or {}
    if attributes:
        entry["MessageAttributes"] = {
            k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
        }
    return entry


class DeadLetters:
    """Sends a message that retrying cannot help straight to the DLQ, with the reason."""

    def __init__(self, sqs_client: Any, dlq_url: str) -> None:
        self._sqs = sqs_client
        self._url = dlq_url

    def send(self, body: str, reason: str, group_id: str, dedup_id: str) -> None:
        self._sqs.send_message(
            QueueUrl=self._url,
            MessageBody=body,
            MessageGroupId=group_id[:128],
            MessageDeduplicationId=dedup_id[:128],
            MessageAttributes={
                "reason": {"DataType": "String", "StringValue": reason[:1024]},
            },
        )
