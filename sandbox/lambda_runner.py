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
        """One round on ``spec``'s queue, as its event source mapping does it: up to
        ``spec.max_concurrency`` batches received and in flight at once, each handed to an
        invocation of the consumer, then each batch's successful messages deleted (one
        request per batch) and its failures made visible again. The in-process sandbox runs
        the invocations one after another; what is in flight together is as in Lambda.
        ``dies_after``: the first invocation is killed after that many records (a timeout):
        their work is done, but as in Lambda nothing of its batch is deleted."""
        urls = self._queues[spec.key]
        batches: list[list[Any]] = []
        for _ in range(spec.max_concurrency):
            answer = self._sqs.receive_message(
                QueueUrl=urls.url,
                MaxNumberOfMessages=spec.batch_size,
                WaitTimeSeconds=wait_s if not batches else 0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            messages = answer.get("Messages", [])
            if not messages:
                break
            batches.append(messages)
        received = failed = 0
        for messages in batches:
            received += len(messages)
            if dies_after is not None:
                self._die_mid_batch(spec, messages, dies_after)
                dies_after = None
                failed += len(messages)
                continue
            failed += self._run_batch(spec, urls, messages)
        return Delivery(received, failed)

    def _run_batch(self, spec: QueueSpec, urls: QueueUrls, messages: list[Any]) -> int:
        event = {"Records": [_sqs_record(m, urls.arn) for m in messages]}
        try:
            result = self.invoke(consumer_of(spec.key).name, event) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except BatchProcessingError:
            # powertools raises when every record failed: the invocation fails, as in AWS,
            # and the whole batch becomes visible again.
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        again = [m for m in messages if m["MessageId"] in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=urls.url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        if again:
            self._visible_again(urls, again)
        return len(again)

    def _visible_again(self, urls: QueueUrls, messages: list[Any]) -> None:
        self._sqs.change_message_visibility_batch(
            QueueUrl=urls.url,
            Entries=[
                {
                    "Id": str(i),
                    "ReceiptHandle": m["ReceiptHandle"],
                    "VisibilityTimeout": self._retry_delay_s,
                }
                for i, m in enumerate(messages)
            ],
        )

    def _die_mid_batch(self, spec: QueueSpec, messages: list[Any], done: int) -> None:
        urls = self._queues[spec.key]
        survivors = {"Records": [_sqs_record(m, urls.arn) for m in messages[:done]]}
        if survivors["Records"]:
            with contextlib.suppress(BatchProcessingError):
                self.invoke(consumer_of(spec.key).name, survivors)
        self._visible_again(urls, messages)  # the timeout: the whole batch comes back

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
