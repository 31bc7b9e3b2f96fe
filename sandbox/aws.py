"""The AWS side of the local world, created from shared/topology.py in moto (in-process
``mock_aws`` or a moto server): tables, FIFO queues with their DLQs and redrive policies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sandbox import moto_speed
from shared.settings import Settings
from shared.topology import IDEMPOTENCY_TABLE, QUEUES, STATE_TABLE, TABLES, QueueSpec

REGION = "us-east-1"


@dataclass(frozen=True)
class QueueUrls:
    url: str
    dlq_url: str
    arn: str


@dataclass(frozen=True)
class AwsResources:
    queues: dict[str, QueueUrls]

    def settings(self) -> Settings:
        return Settings(
            state_table_name=STATE_TABLE.name,
            idempotency_table_name=IDEMPOTENCY_TABLE.name,
            queue_urls={key: q.url for key, q in self.queues.items()},
            dlq_urls={key: q.dlq_url for key, q in self.queues.items()},
        )

    def environment(self) -> dict[str, str]:
        """The environment variables infra/ gives the functions, with sandbox values."""
        env = {
            STATE_TABLE.env_var: STATE_TABLE.name,
            IDEMPOTENCY_TABLE.env_var: IDEMPOTENCY_TABLE.name,
        }
        for spec in QUEUES:
            env[spec.env_var] = self.queues[spec.key].url
            env[spec.dlq_env_var] = self.queues[spec.key].dlq_url
        return env


def create_tables(dynamodb_client: Any) -> None:
    for spec in TABLES:
        keys = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
        attrs = [{"AttributeName": spec.partition_key, "AttributeType": "S"}]
        if spec.sort_key:
            keys.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
            attrs.append({"AttributeName": spec.sort_key, "AttributeType": "S"})
        dynamodb_client.create_table(
            TableName=spec.name,
            KeySchema=keys,
            AttributeDefinitions=attrs,
            BillingMode="PAY_PER_REQUEST",
        )
        if spec.ttl_attribute:
            dynamodb_client.update_time_to_live(
                TableName=spec.name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
            )


def create_queue(sqs_client: Any, spec: QueueSpec, visibility_timeout_s: int) -> QueueUrls:
    fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    dlq_url = sqs_client.create_queue(QueueName=spec.dlq_name, Attributes=fifo)["QueueUrl"]
    dlq_arn = sqs_client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(spec.max_receive_count)}
    url = sqs_client.create_queue(
        QueueName=spec.name,
        Attributes={
            **fifo,
            "VisibilityTimeout": str(visibility_timeout_s),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    arn = sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return QueueUrls(url=url, dlq_url=dlq_url, arn=arn)


def create_all(dynamodb_client: Any, sqs_client: Any, visibility_timeout_s: int) -> AwsResources:
    """``visibility_timeout_s`` is short in the sandbox so retries are seen in seconds."""
    moto_speed.install()
    create_tables(dynamodb_client)
    queues = {spec.key: create_queue(sqs_client, spec, visibility_timeout_s) for spec in QUEUES}
    return AwsResources(queues=queues)
