"""The engine and the poller on their own: fake connectors (tests/fakes), the state table in
moto, a publisher that keeps what it was given."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pydantic import SecretStr

from sandbox.aws import create_tables
from sandbox.metrics import MetricsRecorder
from shared.connectors import registry as systems
from shared.models.connection import Connection
from shared.pairs import registry as pairs
from shared.queues import FifoMessage, PublishError
from shared.state import AuditTrail, CursorStore, LinkStore
from shared.sync.engine import Sides, SyncEngine
from shared.topology import STATE_TABLE
from tests.fakes.pair import FAKE_PAIR
from tests.fakes.systems import (
    FAKE_CRM,
    FAKE_ERP,
    Account,
    Cloud,
    FakeConnector,
    FakeCrmSettings,
    FakeErpSettings,
    FakeSecrets,
)


@dataclass
class KeptMessages:
    """A QueuePublisher stand-in: keeps the messages, or refuses them when told to."""

    sent: list[Any] = field(default_factory=list)
    refuse: bool = False

    def publish(self, messages: Iterable[FifoMessage]) -> int:
        batch = list(messages)
        if self.refuse:
            raise PublishError("SQS refused the batch")
        self.sent.extend(batch)
        return len(batch)


@dataclass
class Bench:
    connection: Connection
    sides: Sides
    crm: Account
    erp: Account
    links: LinkStore
    audit: AuditTrail
    cursors: CursorStore
    metrics: MetricsRecorder

    def engine(self, connection: Connection | None = None) -> SyncEngine:
        return SyncEngine(
            connection or self.connection, self.sides, self.links, self.audit, self.metrics
        )


@pytest.fixture
def bench() -> Iterator[Bench]:
    systems.register(FAKE_CRM)
    systems.register(FAKE_ERP)
    pairs.register(FAKE_PAIR)
    crm, erp = Cloud.open("crm-1", "crm-pw"), Cloud.open("erp-1", "erp-pw")
    try:
        with mock_aws():
            create_tables(boto3.client("dynamodb"))
            table = boto3.resource("dynamodb").Table(STATE_TABLE.name)
            connection = pairs.load_connection(
                {
                    "connection_id": "unit",
                    "crm": {"system": "fakecrm", "account": "crm-1"},
                    "erp": {"system": "fakeerp", "account": "erp-1"},
                    "poll_overlap_s": 0,
                }
            )
            sides = Sides(
                crm=FakeConnector(
                    "fakecrm",
                    FakeCrmSettings(account="crm-1"),
                    FakeSecrets(password=SecretStr("crm-pw")),
                    assigns=True,
                ),
                erp=FakeConnector(
                    "fakeerp",
                    FakeErpSettings(account="erp-1"),
                    FakeSecrets(password=SecretStr("erp-pw")),
                    assigns=False,
                ),
            )
            yield Bench(
                connection,
                sides,
                crm,
                erp,
                LinkStore(table),
                AuditTrail(table, LinkStore(table)),
                CursorStore(table),
                MetricsRecorder(),
            )
    finally:
        pairs.unregister(FAKE_PAIR)
        systems.unregister(FAKE_CRM.name)
        systems.unregister(FAKE_ERP.name)
