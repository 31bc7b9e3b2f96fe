"""The FIFO queues, each with its FIFO dead-letter queue."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from shared.topology import QUEUES, QueueSpec


class Queues(Construct):
    def __init__(self, scope: Construct, cid: str) -> None:
        super().__init__(scope, cid)
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        for spec in QUEUES:
            self._pair(spec)

    def _pair(self, spec: QueueSpec) -> None:
        dlq = sqs.Queue(
            self,
            f"{spec.key}-dlq",
            queue_name=spec.dlq_name,
            fifo=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        cdk.Validations.of(dlq).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself a dead-letter queue; an alarm watches its depth.",
            )
        )
        self.dlqs[spec.key] = dlq
        self.queues[spec.key] = sqs.Queue(
            self,
            spec.key,
            queue_name=spec.name,
            fifo=True,
            content_based_deduplication=False,
            visibility_timeout=cdk.Duration.seconds(spec.visibility_timeout_s),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dlq, max_receive_count=spec.max_receive_count
            ),
        )
