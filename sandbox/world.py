"""The local world, assembled: emulators, AWS in moto, the Lambda runner, the API stand-in
and one demo connection between the Salesforce and Intacct emulators.

``World.in_process()`` (inside ``moto.mock_aws``) mounts everything on httpx transports: no
ports, fast. ``sandbox.served.ServedWorld`` serves the same apps over HTTP on localhost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import httpx

from sandbox.apigw import ApiGatewayStandIn
from sandbox.aws import AwsResources, create_all
from sandbox.emulators.intacct import IntacctEmulator
from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.lambda_runner import LambdaRunner
from sandbox.metrics import MetricsRecorder
from sandbox.provisioning import (
    OUTBOUND_OBJECTS,
    DemoCredentials,
    build_connection,
    connection_config,
    register,
    webhook_url,
)
from shared.connectors.base import RetrySettings
from shared.models.connection import Connection
from shared.runtime import Runtime, set_runtime
from shared.topology import CHANGES

SF_URL = "http://salesforce.test"
INTACCT_URL = "http://intacct.test"
API_URL = "http://api.test"
FAST_RETRY = RetrySettings(attempts=3, wait_min_s=0.01, wait_max_s=0.05)


@dataclass
class Urls:
    salesforce: str
    intacct: str
    api: str


class World:
    def __init__(
        self,
        *,
        salesforce: SalesforceEmulator,
        intacct: IntacctEmulator,
        resources: AwsResources,
        runner: LambdaRunner,
        runtime: Runtime,
        http: httpx.Client,
        urls: Urls,
        creds: DemoCredentials,
        metrics: MetricsRecorder,
    ) -> None:
        self.salesforce = salesforce
        self.intacct = intacct
        self.resources = resources
        self.runner = runner
        self.runtime = runtime
        self.http = http
        self.urls = urls
        self.creds = creds
        self.metrics = metrics

    # -- assembly ------------------------------------------------------------------------

    @classmethod
    def in_process(cls, *, retry_delay_s: int = 0) -> World:
        """Everything in this process on httpx transports; call inside ``mock_aws()``."""
        salesforce = SalesforceEmulator(base_url=SF_URL)
        intacct = IntacctEmulator(base_url=INTACCT_URL)
        sqs = boto3.client("sqs")
        resources = create_all(boto3.client("dynamodb"), sqs, visibility_timeout_s=30)
        runner = LambdaRunner(sqs, resources.queues, retry_delay_s=retry_delay_s)
        http = httpx.Client(
            mounts={
                SF_URL: httpx.WSGITransport(app=salesforce.wsgi_app),
                INTACCT_URL: httpx.WSGITransport(app=intacct.wsgi_app),
                API_URL: httpx.WSGITransport(app=ApiGatewayStandIn(runner.invoke)),
            }
        )
        return cls.assemble(
            salesforce=salesforce,
            intacct=intacct,
            resources=resources,
            runner=runner,
            http=http,
            urls=Urls(SF_URL, INTACCT_URL, API_URL),
            aws=_aws_clients(),
            retry=FAST_RETRY,
        )

    @classmethod
    def assemble(
        cls,
        *,
        salesforce: SalesforceEmulator,
        intacct: IntacctEmulator,
        resources: AwsResources,
        runner: LambdaRunner,
        http: httpx.Client,
        urls: Urls,
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
            salesforce=salesforce,
            intacct=intacct,
            resources=resources,
            runner=runner,
            runtime=runtime,
            http=http,
            urls=urls,
            creds=creds,
            metrics=metrics,
        )
        world.provision()
        return world

    def provision(self) -> None:
        """Credentials in both emulators, the connection and its secret, outbound messages."""
        c = self.creds
        self.salesforce.add_connected_app(c.sf_client_id, c.sf_client_secret)
        self.salesforce.add_user(c.sf_username)
        self.intacct.add_sender(c.intacct_sender_id, c.intacct_sender_password)
        self.intacct.add_company(c.intacct_company_id)
        self.intacct.add_user(c.intacct_company_id, c.intacct_user_id, c.intacct_user_password)
        # Company set-up in Intacct: contract ids come from a document sequence.
        self.intacct.set_sequence("CONTRACT", "CON-", 1)
        register(
            self.runtime,
            connection_config(
                c, self.urls.salesforce, self.salesforce.org_id, self.intacct.endpoint_url
            ),
            c,
        )
        for sobject, fields in OUTBOUND_OBJECTS.items():
            self.salesforce.add_outbound_message(
                f"ledgerlink_{sobject}", sobject, fields, webhook_url(self.urls.api, c)
            )

    @property
    def connection(self) -> Connection:
        return build_connection(
            self.creds, self.urls.salesforce, self.salesforce.org_id, self.intacct.endpoint_url
        )

    # -- driving it (in-process) ---------------------------------------------------------

    def settle(self, max_rounds: int = 50) -> None:
        """Deliver outbound messages and drain the queues until nothing moves."""
        for _ in range(max_rounds):
            delivered = self.salesforce.deliver_outbound(self.http)
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
        "dynamodb": boto3.resource("dynamodb"),
        "sqs": boto3.client("sqs"),
        "secretsmanager": boto3.client("secretsmanager"),
    }
