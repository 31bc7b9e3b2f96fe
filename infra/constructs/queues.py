"""The FIFO queues of shared/topology.QUEUES, each with its FIFO dead-letter queue.

Content-based deduplication is off: producers send explicit deduplication ids. Both queues of a
pair are encrypted at rest (SSE-SQS) and refuse non-TLS requests. Names carry the stage
(infra/naming.py). A DLQ is retained when the stack is deleted: unresolved dead letters are
data (each one a change that has not reached the other system yet, with its reason).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.naming import physical
from shared.topology import QUEUES, QueueSpec

DLQ_RETENTION = cdk.Duration.days(14)  # the SQS maximum: time to read, fix and redrive


class Queues(Construct):
    def __init__(self, scope: Construct, cid: str) -> None:
        super().__init__(scope, cid)
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        for spec in QUEUES:
            self.dlqs[spec.key] = self._dlq(spec)
            self.queues[spec.key] = self._queue(spec, self.dlqs[spec.key])

    def _dlq(self, spec: QueueSpec) -> sqs.Queue:
        # cdk-nag's SQS3 (queue without DLQ) recognizes a queue that is another's DLQ.
        return sqs.Queue(
            self,
            f"{spec.key}-dlq",
            queue_name=physical(self, spec.dlq_name),
            fifo=True,
            content_based_deduplication=False,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

    def _queue(self, spec: QueueSpec, dlq: sqs.Queue) -> sqs.Queue:
        return sqs.Queue(
            self,
            spec.key,
            queue_name=physical(self, spec.name),
            fifo=True,
            content_based_deduplication=False,
            visibility_timeout=cdk.Duration.seconds(spec.visibility_timeout_s),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dlq, max_receive_count=spec.max_receive_count
            ),
        )
