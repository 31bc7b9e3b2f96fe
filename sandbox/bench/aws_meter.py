"""Counts what the AWS side of an in-process run costs, from outside the code under test.

Botocore event hooks on the default session (``before-call.*.*`` / ``after-call.*.*``) see
every request of every client created after :meth:`AwsMeter.install` (the World's, the
runtime's, the Lambda runner's and the idempotency store's): the operation, the number of
SQS messages sent, received and deleted, and the DynamoDB capacity units each request
would consume on an on-demand table, computed from the sizes of the items involved as
the DynamoDB Developer Guide defines them ("Read/write capacity mode", "Item sizes"):

- a write request unit is one write of an item up to 1 KB (the larger of the item before
  and after the write); a transactional write costs two; a condition check inside
  ``TransactWriteItems`` is billed as a transactional write of that item;
- a read request unit is one strongly consistent read of up to 4 KB; an eventually
  consistent read costs half, a transactional read two; a query's items are summed and
  then rounded up to 4 KB.

Item sizes are read from moto's own store (``Item.size()``: attribute names plus values),
before and after a write. The wall time of every AWS request (botocore plus moto) and of
moto alone (its ``BotocoreStubber``) is summed, so a run can say how much of its time is
the sandbox's AWS rather than ledgerlink; and each request, with this meter's bookkeeping
of it, is bracketed as not ledgerlink's own on the run's CPU clock (:mod:`own_time`).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.core.botocore_stubber import BotocoreStubber
from moto.core.exceptions import JsonRESTError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from sandbox.aws import REGION
from sandbox.bench.own_time import OwnTime
from shared.topology import TABLES

WRITE_UNIT_BYTES = 1024
READ_UNIT_BYTES = 4096


@dataclass
class AwsTotals:
    """What the AWS requests since the last reset cost."""

    requests: Counter[str] = field(default_factory=Counter)  # "sqs.SendMessageBatch" -> n
    sqs_sent: int = 0
    sqs_received: int = 0
    sqs_deleted: int = 0
    sqs_empty_receives: int = 0  # an event source mapping's idle polling: per hour, not record
    write_units: float = 0.0
    read_units: float = 0.0
    aws_s: float = 0.0  # wall time inside AWS requests (botocore + moto)
    moto_s: float = 0.0  # of which inside moto

    def copy(self) -> AwsTotals:
        return AwsTotals(
            requests=Counter(self.requests),
            sqs_sent=self.sqs_sent,
            sqs_received=self.sqs_received,
            sqs_deleted=self.sqs_deleted,
            sqs_empty_receives=self.sqs_empty_receives,
            write_units=self.write_units,
            read_units=self.read_units,
            aws_s=self.aws_s,
            moto_s=self.moto_s,
        )

    def minus(self, before: AwsTotals) -> AwsTotals:
        return AwsTotals(
            requests=self.requests - before.requests,
            sqs_sent=self.sqs_sent - before.sqs_sent,
            sqs_received=self.sqs_received - before.sqs_received,
            sqs_deleted=self.sqs_deleted - before.sqs_deleted,
            sqs_empty_receives=self.sqs_empty_receives - before.sqs_empty_receives,
            write_units=self.write_units - before.write_units,
            read_units=self.read_units - before.read_units,
            aws_s=self.aws_s - before.aws_s,
            moto_s=self.moto_s - before.moto_s,
        )

    def of(self, service: str) -> int:
        return sum(n for op, n in self.requests.items() if op.startswith(service + "."))


def _units(size: int, unit_bytes: int) -> int:
    return max(1, math.ceil(size / unit_bytes))


class AwsMeter:
    """Install once, inside ``mock_aws()``, before the World builds its clients."""

    def __init__(self) -> None:
        self.totals = AwsTotals()
        self.own = OwnTime()  # the run's clock of ledgerlink's own CPU time
        self._lock = threading.Lock()
        self._moto_call: Any = None

    # -- wiring ----------------------------------------------------------------------------

    def install(self) -> None:
        boto3.setup_default_session(region_name=REGION)
        events = boto3.DEFAULT_SESSION.events
        events.register("before-call.*.*", self._before, unique_id="ledgerlink-bench-before")
        events.register("after-call.*.*", self._after, unique_id="ledgerlink-bench-after")
        events.register(
            "after-call-error.*.*", self._after_error, unique_id="ledgerlink-bench-after-error"
        )
        original = BotocoreStubber.__call__
        meter = self

        def timed(stubber: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(stubber, event_name, request, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                with meter._lock:
                    meter.totals.moto_s += elapsed

        self._moto_call = original
        BotocoreStubber.__call__ = timed  # type: ignore[method-assign,assignment]
        self.own.install()

    def uninstall(self) -> None:
        self.own.uninstall()
        if self._moto_call is not None:
            BotocoreStubber.__call__ = self._moto_call  # type: ignore[method-assign]
            self._moto_call = None
        boto3.DEFAULT_SESSION = None

    def snapshot(self) -> AwsTotals:
        with self._lock:
            return self.totals.copy()

    # -- hooks -----------------------------------------------------------------------------

    def _before(self, event_name: str, params: dict[str, Any], context: Any, **_: Any) -> None:
        context["ledgerlink_bench_own"] = self.own.enter(ours=False)
        _kind, service, op = event_name.split(".", 2)
        context["ledgerlink_bench_sizes"] = []
        context["ledgerlink_bench"] = (time.perf_counter(), service, op)
        if service == "dynamodb":
            body = _json(params.get("body"))
            context["ledgerlink_bench_sizes"] = self._sizes_before(op, body)
            context["ledgerlink_bench_body"] = body

    def _after(self, http_response: Any, context: Any, **_: Any) -> None:
        try:
            self._count(http_response, context)
        finally:
            self._after_error(context)

    def _after_error(self, context: Any, **_: Any) -> None:
        token = context.pop("ledgerlink_bench_own", None)
        if token is not None:
            self.own.leave(token)

    def _count(self, http_response: Any, context: Any) -> None:
        started = context.get("ledgerlink_bench")
        if started is None:
            return
        start, service, op = started
        elapsed = time.perf_counter() - start
        answer = _json(getattr(http_response, "content", b""))
        ok = getattr(http_response, "status_code", 500) < 300
        units = (0.0, 0.0)
        if service == "dynamodb" and ok:
            sent = context.get("ledgerlink_bench_body", {})
            units = self._dynamodb_units(op, sent, answer, context["ledgerlink_bench_sizes"])
        with self._lock:
            t = self.totals
            t.requests[f"{service}.{op}"] += 1
            t.aws_s += elapsed
            t.write_units += units[0]
            t.read_units += units[1]
            if service == "sqs" and ok:
                t.sqs_sent += _sqs_sent(op, answer)
                t.sqs_received += len(answer.get("Messages", [])) if op == "ReceiveMessage" else 0
                t.sqs_deleted += _sqs_deleted(op, answer)
                if op == "ReceiveMessage" and not answer.get("Messages"):
                    t.sqs_empty_receives += 1

    # -- DynamoDB capacity -----------------------------------------------------------------

    @staticmethod
    def _stored_size(table: str, key: dict[str, Any]) -> int:
        try:
            item = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_item(table, key)
        except (JsonRESTError, KeyError, ValueError):  # no such table or a malformed key
            return 0
        return int(item.size()) if item is not None else 0

    def _written_keys(self, op: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """(table, key) of each item a write touches, with its transactional flag in op."""
        if op in {"PutItem", "UpdateItem", "DeleteItem"}:
            return [(body["TableName"], self._key_of(body))]
        if op == "TransactWriteItems":
            found = []
            for entry in body.get("TransactItems", []):
                ((_, part),) = entry.items()
                found.append((part["TableName"], self._key_of(part)))
            return found
        if op == "BatchWriteItem":
            found = []
            for table, requests in body.get("RequestItems", {}).items():
                for request in requests:
                    part = request.get("PutRequest") or request.get("DeleteRequest") or {}
                    found.append((table, self._key_of(part)))
            return found
        return []

    @staticmethod
    def _key_of(part: dict[str, Any]) -> dict[str, Any]:
        if "Key" in part:
            return dict(part["Key"])
        item = part.get("Item", {})
        names = {n for spec in TABLES for n in (spec.partition_key, spec.sort_key) if n}
        return {name: item[name] for name in names if name in item}

    def _sizes_before(self, op: str, body: dict[str, Any]) -> list[int]:
        return [self._stored_size(table, key) for table, key in self._written_keys(op, body)]

    def _dynamodb_units(
        self, op: str, body: dict[str, Any], answer: dict[str, Any], before: list[int]
    ) -> tuple[float, float]:
        written = self._written_keys(op, body)
        if written:
            factor = 2 if op == "TransactWriteItems" else 1
            after = [self._stored_size(table, key) for table, key in written]
            writes = sum(
                factor * _units(max(b, a), WRITE_UNIT_BYTES)
                for b, a in zip(before, after, strict=True)
            )
            return float(writes), 0.0
        consistency = 1.0 if body.get("ConsistentRead") else 0.5
        if op == "GetItem":
            size = self._stored_size(body["TableName"], dict(body["Key"]))
            return 0.0, consistency * _units(size, READ_UNIT_BYTES)
        if op in {"Query", "Scan"}:
            size = sum(_typed_size(item) for item in answer.get("Items", []))
            return 0.0, consistency * _units(size, READ_UNIT_BYTES)
        if op == "BatchGetItem":
            reads = 0.0
            for table, request in body.get("RequestItems", {}).items():
                strong = 1.0 if request.get("ConsistentRead") else 0.5
                for key in request.get("Keys", []):
                    reads += strong * _units(self._stored_size(table, key), READ_UNIT_BYTES)
            return 0.0, reads
        if op == "TransactGetItems":
            reads = 0.0
            for entry in body.get("TransactItems", []):
                part = entry["Get"]
                size = self._stored_size(part["TableName"], dict(part["Key"]))
                reads += 2 * _units(size, READ_UNIT_BYTES)
            return 0.0, reads
        return 0.0, 0.0


def _json(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    if isinstance(raw, dict):
        return raw
    try:
        loaded = json.loads(raw)
    except (ValueError, TypeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _typed_size(item: dict[str, Any]) -> int:
    """Size of an item in DynamoDB's typed JSON: names plus values (as moto counts them)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "M":
        return sum(len(k.encode()) + _value_size(v) for k, v in inner.items())
    if kind == "L":
        return sum(_value_size(v) for v in inner)
    if kind in {"SS", "NS", "BS"}:
        return sum(len(str(v).encode()) for v in inner)
    if kind in {"BOOL", "NULL"}:
        return 1
    return len(str(inner).encode())


def _sqs_sent(op: str, answer: dict[str, Any]) -> int:
    if op == "SendMessage":
        return 1
    if op == "SendMessageBatch":
        return len(answer.get("Successful", []))
    return 0


def _sqs_deleted(op: str, answer: dict[str, Any]) -> int:
    if op == "DeleteMessage":
        return 1
    if op == "DeleteMessageBatch":
        return len(answer.get("Successful", []))
    return 0
