"""One Logger, one Tracer, one Metrics for every function; a metric per business event.

Never log record payloads, tokens or secrets: log ids, object names, field names, outcomes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from shared.topology import METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME

logger = Logger(service=POWERTOOLS_SERVICE_NAME)
tracer = Tracer(service=POWERTOOLS_SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=POWERTOOLS_SERVICE_NAME)


class BusinessMetric(StrEnum):
    RECORD_SYNCED = "RecordSynced"
    RECORD_CREATED = "RecordCreated"
    ECHO_SKIPPED = "EchoSkipped"
    STALE_SKIPPED = "StaleEventSkipped"
    CONFLICT_RESOLVED = "ConflictResolved"
    RECORD_REJECTED = "RecordRejected"
    WEBHOOK_ACCEPTED = "WebhookAccepted"
    WEBHOOK_REJECTED = "WebhookRejected"
    CHANGES_POLLED = "ChangesPolled"
    ACTION_ACCEPTED = "ActionAccepted"
    CONTRACT_CREATED = "ContractCreated"
    ACTION_REFUSED = "ActionRefused"
    CONTRACT_REFUSED = "ContractRefused"
    MIRROR_WRITTEN = "MirrorWritten"
    INVOICE_PUSHED = "InvoicePushed"
    CONNECTION_PAUSED = "ConnectionPaused"  # a system of a connection paused (shared/outages.py)
    CONNECTION_RESUMED = "ConnectionResumed"


class MetricSink(Protocol):
    def add_metric(self, name: str, unit: MetricUnit | str, value: float) -> None: ...


def count(sink: MetricSink, metric: BusinessMetric, value: float = 1) -> None:
    sink.add_metric(name=metric.value, unit=MetricUnit.Count, value=value)
