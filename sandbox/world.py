"""The local world, assembled: emulators, AWS in moto, the Lambda runner, the API stand-in
and one demo connection between the Salesforce and Intacct emulators.

``World.in_process()`` (inside ``moto.mock_aws``) mounts everything on httpx transports: no
ports, fast. ``sandbox.served.ServedWorld`` serves the same apps over HTTP on localhost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
import httpx

from sandbox.apigw import ApiGatewayStandIn
from sandbox.aws import AwsResources, create_all
from sandbox.emulators.intacct import IntacctEmulator
from sandbox.emulators.protocol import BackgroundWorker, Emulator
from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from sandbox.lambda_runner import LambdaRunner
from sandbox.metrics import MetricsRecorder
from sandbox.provisioning import (
    DEMO_CONNECTIONS,
    IN_PROCESS_API_URL,
    DemoCredentials,
    provision_request,
    register,
)
from shared.connectors.base import RetrySettings
from shared.models.connection import Connection
from shared.runtime import Runtime, set_runtime
from shared.state import ConnectionStore
from shared.topology import CHANGES

API_URL = IN_PROCESS_API_URL  # the demo connections' links point there too
FAST_RETRY = RetrySettings(attempts=3, wait_min_s=0.01, wait_max_s=0.05, rate_limit_wait_max_s=0.05)

EmulatorFactory = Callable[[str], Emulator]
# Every system the world emulates: its name and how to build its emulator at a base URL.
EMULATORS: tuple[tuple[str, EmulatorFactory], ...] = (
    ("salesforce", lambda url: SalesforceEmulator(base_url=url)),
    ("intacct", lambda url: IntacctEmulator(base_url=url)),
    ("zoho_crm", lambda url: ZohoCrmEmulator(base_url=url)),
    ("zoho_books", lambda url: ZohoBooksEmulator(base_url=url)),
)
E = TypeVar("E")


def in_process_url(system: str) -> str:
    return f"http://{system.replace('_', '-')}.test"


@dataclass
class Urls:
    api: str
    systems: dict[str, str] = field(default_factory=dict)

    @property
    def salesforce(self) -> str:
        return self.systems["salesforce"]

    @property
    def intacct(self) -> str:
        return self.systems["intacct"]


class World:
    def __init__(
        self,
        *,
        emulators: Mapping[str, Emulator],
        resources: AwsResources,
        runner: LambdaRunner,
        runtime: Runtime,
        http: httpx.Client,
        urls: Urls,
        creds: DemoCredentials,
        metrics: MetricsRecorder,
    ) -> None:
        self.emulators: dict[str, Emulator] = dict(emulators)
        self.resources = resources
        self.runner = runner
        self.runtime = runtime
        self.http = http
        self.urls = urls
        self.creds = creds
        self.metrics = metrics
        self._connection: Connection | None = None
        # The demo connections besides ``creds``' one, by connection id (DEMO_CONNECTIONS)
        self.other_creds: dict[str, DemoCredentials] = {}

    @property
    def salesforce(self) -> SalesforceEmulator:
        return self._emulator("salesforce", SalesforceEmulator)

    @property
    def intacct(self) -> IntacctEmulator:
        return self._emulator("intacct", IntacctEmulator)

    @property
    def zoho_crm(self) -> ZohoCrmEmulator:
        return self._emulator("zoho_crm", ZohoCrmEmulator)

    @property
    def zoho_books(self) -> ZohoBooksEmulator:
        return self._emulator("zoho_books", ZohoBooksEmulator)

    @property
    def zoho_creds(self) -> DemoCredentials:
        return self.other_creds["zoho"]

    def _emulator(self, system: str, kind: type[E]) -> E:
        emulator = self.emulators[system]
        if not isinstance(emulator, kind):
            raise TypeError(f"the {system} emulator is a {type(emulator).__name__}")
        return emulator

    # -- assembly ------------------------------------------------------------------------

    @classmethod
    def in_process(cls, *, retry_delay_s: int = 0) -> World:
        """Everything in this process on httpx transports; call inside ``mock_aws()``."""
        emulators = [factory(in_process_url(system)) for system, factory in EMULATORS]
        sqs = boto3.client("sqs")
        resources = create_all(boto3.client("dynamodb"), sqs, visibility_timeout_s=30)
        runner = LambdaRunner(sqs, resources.queues, retry_delay_s=retry_delay_s)
        mounts: dict[str, httpx.BaseTransport] = {
            e.base_url: httpx.WSGITransport(app=e.wsgi_app) for e in emulators
        }
        mounts[API_URL] = httpx.WSGITransport(app=ApiGatewayStandIn(runner.invoke))
        return cls.assemble(
            emulators=emulators,
            resources=resources,
            runner=runner,
            http=httpx.Client(mounts=mounts),
            api_url=API_URL,
            aws=_aws_clients(),
            retry=FAST_RETRY,
        )

    @classmethod
    def assemble(
        cls,
        *,
        emulators: Sequence[Emulator],
        resources: AwsResources,
        runner: LambdaRunner,
        http: httpx.Client,
        api_url: str,
        aws: dict[str, Any],
        retry: RetrySettings,
        creds: DemoCredentials | None = None,
    ) -> World:
        creds = creds or DemoCredentials()
        metrics = MetricsRecorder()
        runtime = Runtime(
            settings=resources.settings(),
            dynamodb=aws["dynamodb"],
            sqs=aws["sqs"],
            secretsmanager=aws["secretsmanager"],
            http=http,
            metrics=metrics,
            retry=retry,
        )
        set_runtime(runtime)
        world = cls(
            emulators={e.system: e for e in emulators},
            resources=resources,
            runner=runner,
            runtime=runtime,
            http=http,
            urls=Urls(api_url, {e.system: e.base_url for e in emulators}),
            creds=creds,
            metrics=metrics,
        )
        world.provision()
        return world

    def provision(self) -> None:
        """For each demo connection whose two systems the world emulates, each emulator
        provisions ledgerlink's side of it; the connection is then set up from what they
        answer, as an operator would (checked, then stored)."""
        for connection_id, systems in DEMO_CONNECTIONS.items():
            if not all(system in self.emulators for system in systems):
                continue
            if connection_id == self.creds.connection_id:
                creds = self.creds
            else:
                creds = self.other_creds.setdefault(
                    connection_id, DemoCredentials(connection_id=connection_id)
                )
            for system in systems:
                request = provision_request(self.urls.api, creds, system)
                creds.sides[system] = self.emulators[system].provision(request)
            register(self.runtime, creds)
        self._connection = ConnectionStore(self.runtime.table).get(self.creds.connection_id)

    @property
    def connection(self) -> Connection:
        """The demo connection as stored (tests may store a changed copy)."""
        if self._connection is None:
            raise RuntimeError("the world is not provisioned yet")
        # its own store: the functions' connection cache stays theirs to fill
        return ConnectionStore(self.runtime.table).get(self.creds.connection_id)

    def background_work(self) -> int:
        """What the emulated systems do by themselves (deliveries), once; how much."""
        return sum(
            emulator.background_work(self.http)
            for emulator in self.emulators.values()
            if isinstance(emulator, BackgroundWorker)
        )

    # -- driving it (in-process) ---------------------------------------------------------

    def settle(self, max_rounds: int = 50) -> None:
        """Let the systems deliver and drain the queues until nothing moves."""
        for _ in range(max_rounds):
            delivered = self.background_work()
            processed = self.runner.drain()
            if delivered == 0 and processed == 0:
                return
        raise RuntimeError("the world did not settle")

    def poll(self) -> Any:
        """Fire the poll schedule once, then settle."""
        result = self.runner.fire_schedule("poll-changes")
        self.settle()
        return result

    def mirror(self) -> Any:
        """Fire the mirror-to-crm schedule once, then settle."""
        result = self.runner.fire_schedule("mirror-to-crm")
        self.settle()
        return result

    def queued(self, queue: str = CHANGES.key) -> int:
        """How many messages wait on a queue (SQS's approximate count)."""
        return self._approximate(queue, "ApproximateNumberOfMessages")

    def waiting_retry(self) -> int:
        """Messages of every queue a consumer failed and SQS keeps hidden until their retry
        (``ApproximateNumberOfMessagesNotVisible``)."""
        return sum(
            self._approximate(queue, "ApproximateNumberOfMessagesNotVisible")
            for queue in self.resources.queues
        )

    def _approximate(self, queue: str, attribute: str) -> int:
        attrs = self.runtime.sqs.get_queue_attributes(
            QueueUrl=self.resources.queues[queue].url, AttributeNames=[attribute]
        )
        return int(attrs["Attributes"][attribute])

    def dead_letters(self, queue: str = CHANGES.key) -> list[dict[str, Any]]:
        """Messages in a DLQ (read without consuming them for long)."""
        url = self.resources.queues[queue].dlq_url
        answer = self.runtime.sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            VisibilityTimeout=0,
        )
        return list(answer.get("Messages", []))


def _aws_clients() -> dict[str, Any]:
    return {
        "dynamodb": boto3.client("dynamodb"),
        "sqs": boto3.client("sqs"),
        "secretsmanager": boto3.client("secretsmanager"),
    }
