"""One Logger, one Tracer, one Metrics for every function; a metric per business event.

Never log record payloads, tokens or secrets: log ids, object names, field names, outcomes.

The tracer is built on first use, and only when tracing is on: powertools' ``Tracer``
imports the X-Ray SDK (~0.2-0.5 s of a cold start) even when tracing is off, which it is
wherever ``POWERTOOLS_TRACE_DISABLED`` is true or the code runs outside Lambda. With
tracing off, its decorators return the function as it is, as powertools' would (it
calls the function straight through).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

from shared.startup import LAMBDA_ENV
from shared.topology import METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

F = TypeVar("F", bound=Callable[..., Any])
TRACE_DISABLED_ENV = "POWERTOOLS_TRACE_DISABLED"
LOCAL_ENVS = ("AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE")


def tracing_disabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Where powertools' Tracer would disable itself: by the environment variable, or
    outside Lambda (or in SAM / Chalice local emulation)."""
    if resolve_truthy_env_var_choice(env=environ.get(TRACE_DISABLED_ENV, "false")):
        return True
    return not environ.get(LAMBDA_ENV) or any(environ.get(name) for name in LOCAL_ENVS)


class LazyTracer:
    """The decorators of powertools' Tracer, which is imported and built only when tracing
    is on (decided once, when a decorator is first applied)."""

    def __init__(self, service: str) -> None:
        self._service = service
        self._tracer: Tracer | None = None
        self._disabled: bool | None = None

    @property
    def disabled(self) -> bool:
        if self._disabled is None:
            self._disabled = tracing_disabled()
        return self._disabled

    def _real(self) -> Tracer:
        if self._tracer is None:
            from aws_lambda_powertools import Tracer

            self._tracer = Tracer(service=self._service)
        return self._tracer

    def capture_lambda_handler(self, handler: F) -> F:
        if self.disabled:
            return handler
        return cast(F, self._real().capture_lambda_handler(handler))

    def capture_method(self, method: F) -> F:
        if self.disabled:
            return method
        return self._real().capture_method(method)


logger = Logger(service=POWERTOOLS_SERVICE_NAME)
tracer = LazyTracer(service=POWERTOOLS_SERVICE_NAME)
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
    # A gauge, each poll run: systems of connections still paused (the alarm watches it)
    PAUSED_SYSTEMS = "PausedSystems"
    CONNECTION_RESUMED = "ConnectionResumed"


class MetricSink(Protocol):
    def add_metric(self, name: str, unit: MetricUnit | str, value: float) -> None: ...


def count(sink: MetricSink, metric: BusinessMetric, value: float = 1) -> None:
    sink.add_metric(name=metric.value, unit=MetricUnit.Count, value=value)
