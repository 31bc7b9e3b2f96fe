"""Runs the real handlers in-process with the event shapes AWS sends them.

- SQS: receive a batch, build the SQS event, invoke the consumer, and delete only the
  messages not reported in ``batchItemFailures`` (moto's own SQS->Lambda wiring ignores
  partial batch failures, so the runner implements them). Failed messages become visible
  again after ``retry_delay_s``; the queue's redrive policy moves them to the DLQ after
  maxReceiveCount receives.
- Schedules: an EventBridge "Scheduled Event".
- API Gateway: see sandbox/apigw.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from sandbox.aws import REGION, QueueUrls
from shared.topology import QUEUES, SCHEDULES, QueueSpec, consumer_of, function

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
ACCOUNT = "123456789012"


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object the handlers and powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: int
    aws_request_id: str
    invoked_function_arn: str
    function_version: str = "$LATEST"
    log_group_name: str = "/aws/lambda/sandbox"
    log_stream_name: str = "sandbox"

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler_module(name: str) -> ModuleType:
    path = FUNCTIONS_DIR / name / "handler.py"
    spec = importlib.util.spec_from_file_location(f"functions.{name}.handler", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Delivery:
    received: int
    failed: int


class LambdaRunner:
    def __init__(
        self, sqs_client: Any, queues: dict[str, QueueUrls], retry_delay_s: int = 0
    ) -> None:
        self._sqs = sqs_client
        self._queues = queues
        self._retry_delay_s = retry_delay_s
        self._modules: dict[str, ModuleType] = {}
        self._lock = threading.Lock()
        # One invocation per function at a time, like one Lambda container: handlers keep
        # per-invocation state at module level (the resolver's current event, the batch).
        self._function_locks: dict[str, threading.Lock] = {}
        self.invocations: dict[str, int] = {}

    def handler_module(self, name: str) -> ModuleType:
        with self._lock:
            if name not in self._modules:
                self._modules[name] = load_handler_module(name)
            return self._modules[name]

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        spec = function(name)
        context = LambdaContext(
            function_name=f"ledgerlink-{name}",
            memory_limit_in_mb=spec.memory_mb,
            timeout_s=spec.timeout_s,
            aws_request_id=str(uuid.uuid4()),
            invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:ledgerlink-{name}",
        )
        module = self.handler_module(name)
        with self._lock:
            lock = self._function_locks.setdefault(name, threading.Lock())
            self.invocations[name] = self.invocations.get(name, 0) + 1
        with lock:
            return module.handler(event, context)

    # -- SQS -----------------------------------------------------------------------------

    def deliver(
        self, spec: QueueSpec, wait_s: int = 0, *, dies_after: int | None = None
    ) -> Delivery:
        """One receive -> invoke -> delete round on ``spec``'s queue. ``dies_after``: the
        invocation is killed after that many records (a timeout): their work is done, but as
        in Lambda nothing of the batch is deleted and all of it comes back."""
        urls = self._queues[spec.key]
        answer = self._sqs.receive_message(
            QueueUrl=urls.url,
            MaxNumberOfMessages=spec.batch_size,
            WaitTimeSeconds=wait_s,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return Delivery(0, 0)
        event = {"Records": [_sqs_record(m, urls.arn) for m in messages]}
        if dies_after is not None:
            self._die_mid_batch(spec, event, messages, dies_after)
            return Delivery(len(messages), len(messages))
        try:
            result = self.invoke(consumer_of(spec.key).name, event) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except BatchProcessingError:
            # powertools raises when every record failed: the invocation fails, as in AWS,
            # and the whole batch becomes visible again.
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            if message["MessageId"] in failed:
                self._sqs.change_message_visibility(
                    QueueUrl=urls.url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self._retry_delay_s,
                )
            else:
                self._sqs.delete_message(QueueUrl=urls.url, ReceiptHandle=message["ReceiptHandle"])
        return Delivery(len(messages), len(failed))

    def _die_mid_batch(
        self, spec: QueueSpec, event: dict[str, Any], messages: list[Any], done: int
    ) -> None:
        survivors = {"Records": event["Records"][:done]}
        if survivors["Records"]:
            with contextlib.suppress(BatchProcessingError):
                self.invoke(consumer_of(spec.key).name, survivors)
        for message in messages:  # the timeout: the whole batch becomes visible again
            self._sqs.change_message_visibility(
                QueueUrl=self._queues[spec.key].url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=self._retry_delay_s,
            )

    def drain(self, max_rounds: int = 200) -> int:
        """Deliver until every queue is empty (tests); returns messages processed."""
        total = 0
        for _ in range(max_rounds):
            round_total = sum(self.deliver(spec).received for spec in QUEUES)
            total += round_total
            if round_total == 0:
                return total
        raise RuntimeError(f"queues not drained after {max_rounds} rounds")

    # -- schedules -----------------------------------------------------------------------

    def fire_schedule(self, name: str) -> Any:
        for spec in SCHEDULES:
            if spec.name == name:
                return self.invoke(spec.function, scheduled_event(spec.name))
        raise KeyError(name)


def scheduled_event(rule: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/ledgerlink-{rule}"],
        "detail": {},
    }


def _sqs_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    body = message["Body"]
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attributes.get("SentTimestamp", str(int(time.time() * 1000))),
            "SenderId": attributes.get("SenderId", ACCOUNT),
            "ApproximateFirstReceiveTimestamp": attributes.get(
                "ApproximateFirstReceiveTimestamp", str(int(time.time() * 1000))
            ),
            "SequenceNumber": attributes.get("SequenceNumber", "1"),
            "MessageGroupId": attributes.get("MessageGroupId", ""),
            "MessageDeduplicationId": attributes.get("MessageDeduplicationId", ""),
        },
        "messageAttributes": {
            k: {
                "stringValue": v.get("StringValue"),
                "dataType": v.get("DataType"),
                "stringListValues": [],
                "binaryListValues": [],
            }
            for k, v in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }
