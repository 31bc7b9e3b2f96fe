"""The local world over real HTTP on localhost: a moto server for AWS, the emulators and the
API Gateway stand-in on their own ports, and background loops doing what AWS would do
(SQS event source mappings, EventBridge schedules) and what each emulated system does by
itself (its ``background_work``: Salesforce delivers outbound messages)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import httpx
from moto.server import ThreadedMotoServer
from werkzeug.serving import BaseWSGIServer, make_server

from sandbox.apigw import ApiGatewayStandIn
from sandbox.aws import REGION, create_all
from sandbox.emulators.protocol import BackgroundWorker
from sandbox.lambda_runner import LambdaRunner
from sandbox.provisioning import DemoCredentials, webhook_url
from sandbox.world import EMULATORS, World
from shared.connectors.base import RetrySettings
from shared.topology import QUEUES, SCHEDULES

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


@dataclass(frozen=True)
class Ports:
    """0 picks a free port (tests); `make sandbox` uses fixed ones. ``systems``: each
    emulator's port by system name (a system not named gets a free one)."""

    api: int = 0
    moto: int = 0
    systems: Mapping[str, int] = field(default_factory=dict)


FIXED_PORTS = Ports(
    api=8700,
    moto=8766,
    systems={"salesforce": 8701, "intacct": 8702, "zoho_crm": 8703, "zoho_books": 8704},
)
BACKGROUND_PERIOD_S = 0.3


class _LateApp:
    """A WSGI app whose target is set after the server knows its port."""

    def __init__(self) -> None:
        self.target: WsgiApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        assert self.target is not None
        return self.target(environ, start_response)


class ServedWorld:
    def __init__(self, host: str = "127.0.0.1", ports: Ports = Ports()) -> None:
        self._host = host
        self._ports = ports
        self._servers: list[BaseWSGIServer] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._moto: ThreadedMotoServer | None = None
        self.world: World | None = None
        self.moto_url = ""
        self.loop_errors: list[str] = []

    # -- start / stop --------------------------------------------------------------------

    def start(self) -> World:
        self._moto = ThreadedMotoServer(ip_address=self._host, port=self._ports.moto, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.moto_url = f"http://{host}:{port}"
        aws = {
            "dynamodb": boto3.client("dynamodb", endpoint_url=self.moto_url, region_name=REGION),
            "sqs": boto3.client("sqs", endpoint_url=self.moto_url, region_name=REGION),
            "secretsmanager": boto3.client(
                "secretsmanager", endpoint_url=self.moto_url, region_name=REGION
            ),
        }
        resources = create_all(aws["dynamodb"], aws["sqs"], visibility_timeout_s=30)
        runner = LambdaRunner(aws["sqs"], resources.queues, retry_delay_s=1)
        emulators = []
        for system, factory in EMULATORS:
            emulator = factory(self._serve(self._ports.systems.get(system, 0), system))
            self._apps[system].target = emulator.wsgi_app
            emulators.append(emulator)
        api_url = self._serve(self._ports.api, "api")
        self._apps["api"].target = ApiGatewayStandIn(runner.invoke)
        self.world = World.assemble(
            emulators=emulators,
            resources=resources,
            runner=runner,
            http=httpx.Client(timeout=30),
            api_url=api_url,
            aws=aws,
            retry=RetrySettings(attempts=3, wait_min_s=0.2, wait_max_s=2.0),
            creds=DemoCredentials(api_url=api_url),  # links in records point at this API
        )
        _scale_minute_allowances(self.world)
        self._start_loops(self.world)
        return self.world

    _apps: dict[str, _LateApp]

    def _serve(self, port: int, name: str) -> str:
        if not hasattr(self, "_apps"):
            self._apps = {}
        app = _LateApp()
        self._apps[name] = app
        server = make_server(self._host, port, app, threaded=True)
        self._servers.append(server)
        self._spawn(server.serve_forever, f"http-{name}")
        return f"http://{self._host}:{server.server_port}"

    def stop(self) -> None:
        self._stop.set()
        servers = [t for t in self._threads if t.name.startswith("sandbox-http-")]
        for thread in self._threads:  # the loops first: they call the servers
            if thread not in servers:
                thread.join(timeout=5)
        for server in self._servers:
            server.shutdown()
        for thread in servers:
            thread.join(timeout=5)
        if self._moto is not None:
            self._moto.stop()

    def __enter__(self) -> World:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what AWS and the emulated systems do in the background --------------------------

    def _start_loops(self, world: World) -> None:
        for spec in QUEUES:
            self._spawn(self._every(0, partial(world.runner.deliver, spec, wait_s=1)), spec.key)
        for schedule in SCHEDULES:
            self._spawn(
                self._every(
                    schedule.sandbox_every_s,
                    partial(world.runner.fire_schedule, schedule.name),
                ),
                schedule.name,
            )
        for system, emulator in world.emulators.items():
            if isinstance(emulator, BackgroundWorker):
                work = partial(emulator.background_work, world.http)
                self._spawn(self._every(BACKGROUND_PERIOD_S, work), system)

    def _every(self, period_s: float, work: Callable[[], object]) -> Callable[[], None]:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    work()
                except (httpx.HTTPError, OSError, RuntimeError) as exc:
                    # A background loop must survive what a real service would survive.
                    self.loop_errors.append(f"{type(exc).__name__}: {exc}")
                if period_s:
                    self._stop.wait(period_s)

        return loop

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=f"sandbox-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- what a developer needs to point a client at it ----------------------------------

    def endpoints(self) -> dict[str, Any]:
        assert self.world is not None
        w, c = self.world, self.world.creds
        return {
            "api_url": w.urls.api,
            "connection_id": c.connection_id,
            "webhook_token": c.webhook_token,
            "action_secret": c.action_secret,
            "webhook_url": webhook_url(w.urls.api, c),
            **{system: side.endpoints for system, side in c.sides.items()},
            **{
                f"{other.connection_id}_connection_id": other.connection_id
                for other in w.other_creds.values()
            },
            **{
                system: side.endpoints
                for other in w.other_creds.values()
                for system, side in other.sides.items()
            },
            "aws": {
                "endpoint_url": self.moto_url,
                "region": REGION,
                "queues": {k: v.url for k, v in w.resources.queues.items()},
                "dead_letter_queues": {k: v.dlq_url for k, v in w.resources.queues.items()},
            },
        }

    def write_endpoints(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.endpoints(), indent=2))
        path.chmod(0o600)
        return path


def _scale_minute_allowances(world: World) -> None:
    """The served world's schedules fire far more often than AWS's (the poll every few
    seconds, not every five minutes): an allowance per minute of wall time scales by the same
    factor, or the compressed schedule alone would spend it (Zoho Books' 100 requests a
    minute per organisation; its own tests keep the real figure)."""
    if "zoho_books" not in world.emulators:
        return
    speed_up = min(s.rate_minutes * 60 / s.sandbox_every_s for s in SCHEDULES)
    books = world.zoho_books
    books.rate_limit_per_minute = int(books.rate_limit_per_minute * speed_up)
