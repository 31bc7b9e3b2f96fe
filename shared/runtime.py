"""Wiring: which clients, stores and connectors a function uses.

Handlers call ``get_runtime()``; it is built from the environment once per container. Tests
and the sandbox call ``set_runtime()`` with their own clients (moto, in-process emulators).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import boto3
import httpx

from shared.connectors.base import RetrySettings
from shared.connectors.intacct import IntacctConnector
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.salesforce import SalesforceConnector
from shared.connectors.salesforce.client import SalesforceClient
from shared.errors import ConfigurationError
from shared.models.connection import Connection, ConnectionSecrets
from shared.observability import MetricSink, metrics
from shared.queues import DeadLetters, QueuePublisher
from shared.settings import Settings
from shared.state import AuditTrail, ConnectionStore, CursorStore, LinkStore, SecretStore
from shared.sync.engine import SyncEngine, Systems


@dataclass(frozen=True)
class SalesforceIntacct:
    """The two connectors of a Salesforce <-> Intacct connection."""

    salesforce: SalesforceConnector
    intacct: IntacctConnector

    @property
    def systems(self) -> Systems:
        return Systems(crm=self.salesforce, erp=self.intacct)


@dataclass
class Runtime:
    settings: Settings
    dynamodb: Any  # boto3 DynamoDB service resource
    sqs: Any
    secretsmanager: Any
    http: httpx.Client
    metrics: MetricSink
    retry: RetrySettings = field(default_factory=RetrySettings)
    _pairs: dict[str, tuple[ConnectionSecrets, SalesforceIntacct]] = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> Runtime:
        settings = Settings()  # filled from the environment
        return cls(
            settings=settings,
            dynamodb=boto3.resource("dynamodb"),
            sqs=boto3.client("sqs"),
            secretsmanager=boto3.client("secretsmanager"),
            http=httpx.Client(timeout=settings.http_timeout_s),
            metrics=metrics,
        )

    @cached_property
    def dynamodb_client(self) -> Any:
        """A plain DynamoDB client (powertools' idempotency store serializes items itself;
        the resource's client would transform them a second time)."""
        meta = self.dynamodb.meta.client.meta
        return boto3.client(
            "dynamodb", endpoint_url=meta.endpoint_url, region_name=meta.region_name
        )

    @cached_property
    def table(self) -> Any:
        return self.dynamodb.Table(self.settings.state_table_name)

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
        return AuditTrail(self.table)

    @cached_property
    def secrets(self) -> SecretStore:
        return SecretStore(self.secretsmanager, self.settings.connection_secret_prefix)

    def publisher(self, queue: str) -> QueuePublisher:
        url = {
            "changes": self.settings.changes_queue_url,
            "workflows": self.settings.workflows_queue_url,
        }[queue]
        if not url:
            raise ConfigurationError(f"{queue} queue url is not configured")
        return QueuePublisher(self.sqs, url)

    def dead_letters(self, queue: str) -> DeadLetters:
        url = {
            "changes": self.settings.changes_dlq_url,
            "workflows": self.settings.workflows_dlq_url,
        }[queue]
        if not url:
            raise ConfigurationError(f"{queue} DLQ url is not configured")
        return DeadLetters(self.sqs, url)

    def pair(self, connection: Connection) -> SalesforceIntacct:
        """The connection's connectors, reused across invocations while secrets are the same
        (keeps Salesforce tokens and Intacct sessions warm)."""
        secrets = self.secrets.get(connection.connection_id)
        cached = self._pairs.get(connection.connection_id)
        if cached and cached[0] == secrets:
            return cached[1]
        pair = SalesforceIntacct(
            salesforce=SalesforceConnector(
                SalesforceClient(self.http, connection.salesforce, secrets, self.retry)
            ),
            intacct=IntacctConnector(
                IntacctClient(self.http, connection.intacct, secrets, self.retry)
            ),
        )
        self._pairs[connection.connection_id] = (secrets, pair)
        return pair

    def systems(self, connection: Connection) -> Systems:
        return self.pair(connection).systems

    def engine(self, connection: Connection) -> SyncEngine:
        return SyncEngine(
            connection, self.systems(connection), self.links, self.audit, self.metrics
        )


_lock = threading.Lock()
_runtime: Runtime | None = None


def get_runtime() -> Runtime:
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = Runtime.from_environment()
        return _runtime


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    with _lock:
        _runtime = runtime
