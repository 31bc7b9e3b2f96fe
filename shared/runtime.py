"""Wiring: which clients, stores and connectors a function uses.

Handlers call ``get_runtime()``; it is built from the environment once per container. Tests
and the sandbox call ``set_runtime()`` with their own clients (moto, in-process emulators).
A connection's two sides are built by their systems' plug-ins (shared/connectors/registry.py);
nothing here names a vendor.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import boto3
import httpx

from shared import deadlines, startup
from shared.connectors.base import CallPacer, Connector, RetrySettings
from shared.connectors.registry import system
from shared.errors import ConfigurationError
from shared.mapping.fields import Side
from shared.models.connection import Connection, ConnectionSecrets
from shared.observability import MetricSink, metrics
from shared.outages import Outages
from shared.queues import DeadLetters, QueuePublisher
from shared.settings import Settings
from shared.state import (
    AuditTrail,
    ConnectionStore,
    CursorStore,
    LinkStore,
    PauseStore,
    SecretStore,
)
from shared.state.table import Table

if TYPE_CHECKING:
    # Imported where used: the doors and the poller never build an engine or a pair context.
    from shared.pairs.plugin import PairContext
    from shared.sync.engine import Sides, SyncEngine

T = TypeVar("T")


class _BuiltOnFirstUse(Generic[T]):
    """A field of the runtime that holds what it was given (tests and the sandbox give their
    own clients) or, given nothing, is built by ``build`` on first use. A function pays for a
    client only if its invocation uses it: the change worker sends to SQS only to dead-letter
    or park a message, and the doors answer most requests without HTTP (building an httpx
    client imports httpcore and loads the CA bundle)."""

    _lock = threading.RLock()  # a build may use another field built on first use

    def __init__(
        self, build: Callable[[Runtime], T], adopt: Callable[[T], T] = lambda value: value
    ) -> None:
        self._build = build
        self._adopt = adopt  # applied to what is given and to what is built

    def __set_name__(self, owner: type, name: str) -> None:
        self._attr = f"_{name}"

    @overload
    def __get__(self, runtime: None, owner: type) -> None: ...

    @overload
    def __get__(self, runtime: Runtime, owner: type) -> T: ...

    def __get__(self, runtime: Runtime | None, owner: type) -> T | None:
        if runtime is None:
            return None  # the field's default: built on first use
        value: T | None = runtime.__dict__.get(self._attr)
        if value is None:
            with self._lock:
                value = runtime.__dict__.get(self._attr)
                if value is None:
                    value = self._adopt(self._build(runtime))
                    runtime.__dict__[self._attr] = value
        return value

    def __set__(self, runtime: Runtime, value: T | None) -> None:
        runtime.__dict__[self._attr] = None if value is None else self._adopt(value)


def _capped(client: httpx.Client) -> httpx.Client:
    """No HTTP request outlives the invocation's deadline (shared/deadlines.py)."""
    hooks = client.event_hooks
    if deadlines.cap_request_timeout not in hooks["request"]:
        hooks["request"].append(deadlines.cap_request_timeout)
        client.event_hooks = hooks
    return client


class _PacerOnFirstCall:
    """The functions' pacer (shared/pacing.py, its pace in the state table), built when a
    connector first asks it to space a call. Only connectors of APIs limited per account
    ask (Zoho Books): a container that never calls one neither imports nor builds it."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._pacer: CallPacer | None = None
        self._lock = threading.Lock()

    def before_call(self, account: str, per_minute: int) -> None:
        with self._lock:
            if self._pacer is None:
                from shared.pacing import Pacer
                from shared.state.paces import PaceStore

                runtime = self._runtime
                self._pacer = Pacer(PaceStore(lambda: runtime.table))
            pacer = self._pacer
        pacer.before_call(account, per_minute)


@dataclass
class Runtime:
    settings: Settings
    dynamodb: Any  # a DynamoDB client: the state table's (shared/state/table.py)
    secretsmanager: Any
    metrics: MetricSink
    # Given, or (None, the default) built on first use
    sqs: _BuiltOnFirstUse[Any] = _BuiltOnFirstUse(lambda _: boto3.client("sqs"))
    http: _BuiltOnFirstUse[httpx.Client] = _BuiltOnFirstUse(  # every connector's
        lambda runtime: httpx.Client(timeout=runtime.settings.http_timeout_s), _capped
    )
    retry: RetrySettings = field(default_factory=RetrySettings)
    _idempotency_stores: dict[str, Any] = field(default_factory=dict)
    # What time it is for the outage logic (pauses, probes); tests move it on instead of waiting.
    clock: Callable[[], datetime] = field(default_factory=lambda: _utcnow)
    _sides: dict[str, tuple[Connection, ConnectionSecrets, Sides]] = field(default_factory=dict)
    # Spaces calls to APIs limited per account across containers (shared/pacing.py); None:
    # no pacing (the sandbox's worlds, unless a test installs one on its own clock)
    pacer: CallPacer | None = None

    @classmethod
    def from_environment(cls) -> Runtime:
        settings = Settings.from_environment(os.environ)
        runtime = cls(
            settings=settings,
            dynamodb=boto3.client("dynamodb"),
            secretsmanager=boto3.client("secretsmanager"),
            metrics=metrics,
        )
        runtime.pacer = _PacerOnFirstCall(runtime)
        return runtime

    @cached_property
    def dynamodb_client(self) -> Any:
        """A plain DynamoDB client (powertools' idempotency store serializes items itself;
        the table's client would transform them a second time)."""
        meta = self.dynamodb.meta
        return boto3.client(
            "dynamodb", endpoint_url=meta.endpoint_url, region_name=meta.region_name
        )

    def idempotency_store(self, user: str) -> Any:
        """The idempotency persistence layer of one kind of queue worker, built once per
        container: building one registers a user-agent hook on the DynamoDB client, so one
        per message would pile hooks onto every later call (each DynamoDB request of a warm
        container slower than the last)."""
        store = self._idempotency_stores.get(user)
        if store is None:
            from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

            store = DynamoDBPersistenceLayer(
                table_name=self.settings.idempotency_table_name or "",
                boto3_client=self.dynamodb_client,
            )
            self._idempotency_stores[user] = store
        return store

    @cached_property
    def table(self) -> Table:
        return Table(self.dynamodb, self.settings.state_table_name)

    @cached_property
    def connections(self) -> ConnectionStore:
        return ConnectionStore(self.table)

    @cached_property
    def links(self) -> LinkStore:
        return LinkStore(self.table)

    @cached_property
    def cursors(self) -> CursorStore:
        return CursorStore(self.table)

    @cached_property
    def audit(self) -> AuditTrail:
        return AuditTrail(self.table, self.links)

    @cached_property
    def outages(self) -> Outages:
        return Outages(PauseStore(self.table), self.audit, self.metrics, lambda: self.clock())

    @cached_property
    def secrets(self) -> SecretStore:
        return SecretStore(self.secretsmanager, self.settings.connection_secret_prefix)

    def publisher(self, queue: str) -> QueuePublisher:
        url = self.settings.queue_urls.get(queue)
        if not url:
            raise ConfigurationError(f"{queue} queue url is not configured")
        return QueuePublisher(self.sqs, url)

    def dead_letters(self, queue: str) -> DeadLetters:
        url = self.settings.dlq_urls.get(queue)
        if not url:
            raise ConfigurationError(f"{queue} DLQ url is not configured")
        return DeadLetters(self.sqs, url)

    def build_side(
        self, connection: Connection, secrets: ConnectionSecrets, side: Side
    ) -> Connector:
        """One side's connector, built by its system's plug-in from the connection's
        settings and that side's secrets."""
        settings = connection.settings(side)
        plugin = system(settings.system)
        typed = plugin.secrets(secrets.side(side), f"secret.{side.value}")
        retry = self.retry
        if self.pacer is not None and retry.pacer is None:
            retry = retry._replace(pacer=self.pacer)
        return plugin.connector(self.http, settings, typed, retry)

    def sides(self, connection: Connection) -> Sides:
        """The connection's two connectors, reused across invocations while the connection
        and its secrets are the same (keeps tokens and sessions warm)."""
        secrets = self.secrets.get(connection.connection_id)
        cached = self._sides.get(connection.connection_id)
        if cached and cached[0] == connection and cached[1] == secrets:
            return cached[2]
        sides = self.build_sides(connection, secrets)
        self._sides[connection.connection_id] = (connection, secrets, sides)
        return sides

    def build_sides(self, connection: Connection, secrets: ConnectionSecrets) -> Sides:
        """Both connectors built anew from ``secrets`` (no session or token kept)."""
        from shared.sync.engine import Sides

        return Sides(
            crm=self.build_side(connection, secrets, Side.CRM),
            erp=self.build_side(connection, secrets, Side.ERP),
        )

    def fresh_sides(self, connection: Connection) -> tuple[Connector, Connector]:
        """The connection's two connectors built anew from its secret as stored now (no
        cached session or token): what probing a paused system needs."""
        sides = self.build_sides(connection, self.secrets.get(connection.connection_id))
        return (sides.crm, sides.erp)

    def engine(self, connection: Connection, sides: Sides | None = None) -> SyncEngine:
        from shared.sync.engine import SyncEngine

        return SyncEngine(
            connection, sides or self.sides(connection), self.links, self.audit, self.metrics
        )

    def context(
        self,
        connection: Connection,
        sides: Sides | None = None,
        secrets: ConnectionSecrets | None = None,
    ) -> PairContext:
        """What a pair's workflows, actions, jobs and set-up hooks work with (on ``sides``,
        by default the connection's cached connectors; the door tokens from ``secrets``, by
        default the connection's stored secret, read only when asked)."""
        from shared.pairs.plugin import PairContext

        sides = sides or self.sides(connection)

        def door_tokens() -> tuple[str, ...]:
            known = secrets or self.secrets.get(connection.connection_id)
            return known.webhook_tokens()

        return PairContext(
            connection=connection,
            crm=sides.crm,
            erp=sides.erp,
            links=self.links,
            cursors=self.cursors,
            audit=self.audit,
            metrics=self.metrics,
            engine=self.engine(connection, sides),
            door_tokens=door_tokens,
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


_lock = threading.Lock()
_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = Runtime.from_environment()
            startup.done()  # the cold start is over (shared/startup.py)
        return _runtime


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    with _lock:
        _runtime = runtime
