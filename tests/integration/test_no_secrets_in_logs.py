"""No secret reaches a log line, a trace or a metric: a whole story (webhooks, a rejected
webhook, an action, a badly signed action, sync with transient faults and an expired session,
a poll and the mirror) runs with the functions' logger at DEBUG, every other logger at INFO
(Lambda's runtime leaves them at WARNING), an X-Ray stand-in recording every subsegment's
annotations and metadata, and the metrics the functions publish; none of it may hold the
webhook token, the action secret, the Salesforce client secret or the Intacct passwords."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from sandbox.emulators.common import FaultRule
from sandbox.provisioning import webhook_url
from sandbox.stories import contract_deal
from shared.observability import logger, metrics, tracer
from tests.integration.test_contracts import press_sync


class RecordedSegment(BaseSegment):
    def __init__(self, name: str, sink: list[str]) -> None:
        self._sink = sink
        sink.append(f"subsegment {name}")

    def close(self, end_time: int | None = None) -> None:
        return None

    def add_subsegment(self, subsegment: Any) -> None:
        return None

    def remove_subsegment(self, subsegment: Any) -> None:
        return None

    def put_annotation(self, key: str, value: Any) -> None:
        self._sink.append(f"annotation {key}={value!r}")

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self._sink.append(f"metadata {namespace}/{key}={json.dumps(value, default=repr)}")

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        self._sink.append(f"exception {exception!r}")


class RecordingTracer(BaseProvider):
    """What an X-Ray daemon would receive from the functions' tracer."""

    def __init__(self) -> None:
        self.records: list[str] = []

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Generator[Any, None, None]:
        yield RecordedSegment(str(name), self.records)

    def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> Any:
        raise NotImplementedError  # the functions are synchronous

    def put_annotation(self, key: str, value: Any) -> None:
        self.records.append(f"annotation {key}={value!r}")

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        self.records.append(f"metadata {namespace}/{key}={json.dumps(value, default=repr)}")

    def patch(self, modules: Any) -> None:
        return None

    def patch_all(self) -> None:
        return None


@pytest.fixture
def traces(monkeypatch) -> RecordingTracer:
    from aws_lambda_powertools import Tracer

    recording = RecordingTracer()
    real = Tracer(service="ledgerlink", provider=recording, disabled=False)
    monkeypatch.setattr(real, "provider", recording)
    monkeypatch.setattr(real, "disabled", False)
    # the lazy tracer builds its powertools Tracer only when tracing is on: here it is
    monkeypatch.setattr(tracer, "_disabled", False)
    monkeypatch.setattr(tracer, "_tracer", real)
    return recording


@pytest.fixture
def function_logs() -> Iterator[io.StringIO]:
    """The functions' powertools logger at DEBUG, formatted as in Lambda (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    level = logger.log_level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def published_metrics(monkeypatch) -> list[str]:
    """Every metric document the functions flush (EMF: names, dimensions, metadata)."""
    flushed: list[str] = []
    serialize = metrics.serialize_metric_set

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        document: dict[str, Any] = serialize(*args, **kwargs)
        flushed.append(json.dumps(document))
        return document

    monkeypatch.setattr(metrics, "serialize_metric_set", recording)
    return flushed


@pytest.fixture
def library_logs(caplog, world) -> list[logging.LogRecord]:
    """Records of every other logger (httpx, botocore, powertools' internals …) emitted while
    a function runs: the test's own HTTP client plays Salesforce, and its request log (the
    webhook URL with ?token=) is the caller's, not ours."""
    caplog.set_level(logging.INFO)
    during: list[logging.LogRecord] = []
    invoke = world.runner.invoke

    def invoked(name: str, event: dict[str, Any]) -> Any:
        start = len(caplog.records)
        try:
            return invoke(name, event)
        finally:
            during.extend(caplog.records[start:])

    world.runner.invoke = invoked
    for transport in world.http._mounts.values():
        app = getattr(transport, "app", None)
        if app is not None and hasattr(app, "_invoke"):
            app._invoke = invoked
    return during


def _secrets(world) -> dict[str, str]:
    c = world.creds
    return {
        "webhook token": c.webhook_token,
        "action secret": c.action_secret,
        "Salesforce client secret": c.sf_client_secret,
        "Intacct sender password": c.intacct_sender_password,
        "Intacct user password": c.intacct_user_password,
    }


def test_no_secret_in_any_log_line_trace_or_metric(
    world, sf_api, intacct_api, function_logs, library_logs, traces, published_metrics
):
    # Given transient faults and an expired session on the way (error paths log too)
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="http_error", times=3))
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="expire_session"))
    world.salesforce.faults.add(FaultRule(match="QUERY Account", kind="expire_session"))
    # When webhooks arrive (the deal's accounts), one with a wrong token
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    wrong = webhook_url(world.urls.api, world.creds).replace(world.creds.webhook_token, "x" * 24)
    assert world.http.post(wrong, content=b"<x/>").status_code == 403
    # And the user presses Sync (and someone replays it with a bad signature)
    assert press_sync(world, deal.contract_id).status_code == 202
    assert press_sync(world, deal.contract_id, secret="wrong-secret").status_code == 401
    world.settle()
    # And Intacct bills, the poll and the mirror run
    world.intacct.run_billing(date(2026, 2, 15))
    world.poll()
    world.mirror()

    # Then the story really ran through every path that writes logs, traces and metrics
    logs = function_logs.getvalue()
    assert "request rejected" in logs
    assert "change synced" in logs
    assert any(r.startswith("subsegment ## handler") for r in traces.records)
    assert any(r.startswith("metadata ledgerlink/handler response") for r in traces.records)
    assert world.metrics.counts["WebhookRejected"] >= 1
    # And none of it holds a secret
    emitted = {
        "function logs": logs,
        "library logs": "\n".join(f"{r.name} {r.getMessage()}" for r in library_logs),
        "traces": "\n".join(traces.records),
        "metrics": "\n".join(published_metrics) + json.dumps(dict(world.metrics.counts)),
    }
    for where, text in emitted.items():
        for what, value in _secrets(world).items():
            assert value not in text, f"the {what} appears in the {where}"
