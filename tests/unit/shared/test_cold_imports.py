"""A handler's cold start imports what its first invocation needs and nothing more: each
handler is loaded and its runtime built in a fresh process (as ``sandbox/bench/coldstart.py``
measures it), and the heavy modules it must not pull in are looked for in ``sys.modules``.
The runtime builds the clients only some invocations use (SQS, HTTP) when first used, and
the pacer of APIs limited per account on the first call it paces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.bench.coldstart import environment, floor_body
from shared import deadlines
from shared.connectors import registry as systems_registry
from shared.observability import metrics
from shared.pairs import registry as pairs_registry
from shared.runtime import Runtime
from shared.settings import Settings
from shared.topology import FUNCTIONS, STATE_TABLE, FunctionSpec

ROOT = Path(__file__).resolve().parents[3]
IDEMPOTENCY = "aws_lambda_powertools.utilities.idempotency"
# Never at a cold start: optional paths (X-Ray with tracing off, the JWT login), the
# connectors' own packages and XML parsing (loaded with a connection's systems), the HTTP
# stack under httpx (built with the first HTTP request), the sandbox's emulators, a
# retry library (the connectors' retry loop is their own, shared/connectors/base.py), and
# the pacer of APIs limited per account (built on the first call one of them paces).
NEVER = (
    "tenacity",
    "shared.pacing",
    "shared.state.paces",
    "aws_xray_sdk",
    "jwt",
    "cryptography",
    "defusedxml",
    "httpcore",
    "h11",
    "shared.connectors.salesforce",
    "shared.connectors.intacct",
    "shared.pairs.salesforce_intacct",
    "sandbox",
    "moto",
)
LOAD = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("handler", {path!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
from shared.runtime import get_runtime
get_runtime()
print(json.dumps(sorted(sys.modules)))
"""


def cold_modules(spec: FunctionSpec, pycache: Path) -> set[str]:
    code = LOAD.format(path=str(ROOT / "functions" / spec.name / "handler.py"))
    env = environment(str(pycache))  # the bench's environment (tracing off)
    answer = subprocess.run(  # noqa: S603 — this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert answer.returncode == 0, answer.stderr
    return set(json.loads(answer.stdout.strip().splitlines()[-1]))


def loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(f"{package}.") for m in modules)


@pytest.fixture(scope="module")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bytecode shared by the module's fresh processes (each compiles only what is new)."""
    return tmp_path_factory.mktemp("pycache")


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_a_cold_start_imports_no_heavy_module_its_first_invocation_does_not_need(
    spec: FunctionSpec, pycache: Path
) -> None:
    # Given a handler loaded and its runtime built in a fresh process
    modules = cold_modules(spec, pycache)
    # Then none of the heavy optional modules was imported
    assert [p for p in NEVER if loaded(modules, p)] == []
    # And the idempotency utility only where the function keeps idempotency records
    assert loaded(modules, IDEMPOTENCY) is spec.uses_idempotency


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_the_bench_floor_imports_idempotency_where_the_topology_says(spec: FunctionSpec) -> None:
    # Given the floor the cold-start benchmark compares a handler with
    floor = floor_body(spec.name)
    # Then it imports the idempotency utility exactly for the functions that use it
    assert (IDEMPOTENCY in floor) is spec.uses_idempotency


class Recorder:
    """Stands in for boto3: records which clients are built."""

    def __init__(self) -> None:
        self.built: list[str] = []

    def client(self, name: str, **_: Any) -> object:
        self.built.append(name)
        return object()

    def resource(self, name: str, **_: Any) -> object:
        self.built.append(f"{name} resource")
        return object()


def test_the_runtime_builds_sqs_and_http_clients_on_first_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a runtime built from the environment, with boto3 and httpx clients recorded
    boto3 = Recorder()
    https: list[httpx.Client] = []
    real_client = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        https.append(real_client(**kwargs))
        return https[-1]

    monkeypatch.setattr("shared.runtime.boto3", boto3)
    monkeypatch.setattr(httpx, "Client", client)
    monkeypatch.setenv(STATE_TABLE.env_var, STATE_TABLE.name)
    monkeypatch.setenv("HTTP_TIMEOUT_S", "7")
    runtime = Runtime.from_environment()
    # Then only the clients every invocation uses exist
    assert boto3.built == ["dynamodb", "secretsmanager"]
    assert https == []
    # When SQS and HTTP are used twice
    sqs, http = runtime.sqs, runtime.http
    # Then each was built once, on first use, and kept
    assert runtime.sqs is sqs
    assert runtime.http is http
    assert boto3.built == ["dynamodb", "secretsmanager", "sqs"]
    assert https == [http]
    # And the HTTP client has the settings' timeout and the invocation deadline's cap
    assert http.timeout.read == 7
    assert deadlines.cap_request_timeout in http.event_hooks["request"]


def test_a_given_http_client_is_used_and_capped_by_the_invocation_deadline() -> None:
    # Given a runtime given its own HTTP and SQS clients (as tests and the sandbox do)
    http, sqs = httpx.Client(), object()
    runtime = Runtime(
        settings=Settings(state_table_name="t"),
        dynamodb=object(),
        secretsmanager=object(),
        metrics=metrics,
        sqs=sqs,
        http=http,
    )
    # Then those are the runtime's clients, the HTTP one with the deadline's cap once
    assert runtime.sqs is sqs
    assert runtime.http is http
    assert http.event_hooks["request"].count(deadlines.cap_request_timeout) == 1


PAIR_LOAD = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("handler", {path!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
from shared.runtime import get_runtime
get_runtime()
from shared.connectors.registry import system
from shared.pairs.registry import pair
pair({crm!r}, {erp!r})
system({crm!r}), system({erp!r})
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("crm_erp", sorted(pairs_registry.BUILTIN), ids="-".join)
def test_a_handler_that_serves_one_pair_loads_only_that_pairs_plug_ins(
    crm_erp: tuple[str, str], pycache: Path
) -> None:
    # Given a worker's handler and runtime in a fresh process
    crm, erp = crm_erp
    code = PAIR_LOAD.format(
        path=str(ROOT / "functions" / "sync_records" / "handler.py"), crm=crm, erp=erp
    )
    # When a connection of one pair is served (its pair and its two systems resolved)
    answer = subprocess.run(  # noqa: S603 — this interpreter, our own code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment(str(pycache)),
        cwd=ROOT,
    )
    assert answer.returncode == 0, answer.stderr
    modules = set(json.loads(answer.stdout.strip().splitlines()[-1]))
    # Then that pair's package and its systems' packages are loaded, and no other's
    assert loaded(modules, pairs_registry.BUILTIN[crm_erp])
    assert loaded(modules, systems_registry.BUILTIN[crm])
    assert loaded(modules, systems_registry.BUILTIN[erp])
    others = [m for key, m in pairs_registry.BUILTIN.items() if key != crm_erp]
    others += [m for name, m in systems_registry.BUILTIN.items() if name not in crm_erp]
    assert [m for m in others if loaded(modules, m)] == []


PACED = """
import json, sys
import boto3
from moto import mock_aws
with mock_aws():
    from sandbox.aws import create_tables
    from shared.runtime import Runtime
    create_tables(boto3.client("dynamodb"))
    runtime = Runtime.from_environment()
    built = "shared.pacing" in sys.modules
    runtime.pacer.before_call("books#1", 100)
    item = runtime.table.get_item(Key={"pk": "PACE#books#1", "sk": "PACE"}).get("Item")
    print(json.dumps({"built_before": built, "built_after": "shared.pacing" in sys.modules,
                      "paced": item is not None}))
"""


def test_the_runtimes_pacer_is_built_by_the_first_call_it_paces(tmp_path: Path) -> None:
    # Given a runtime built from the environment in a fresh process (moto's DynamoDB)
    answer = subprocess.run(  # noqa: S603 — this interpreter, our own code
        [sys.executable, "-c", PACED],
        capture_output=True,
        text=True,
        env=environment(str(tmp_path / "pycache")),
        cwd=ROOT,
    )
    assert answer.returncode == 0, answer.stderr
    seen = json.loads(answer.stdout.strip().splitlines()[-1])
    # Then no pacer was imported with it
    assert seen["built_before"] is False
    # And when a connector asks it to space a call, the pacer is built and keeps the pace
    # in the state table
    assert seen["built_after"] is True
    assert seen["paced"] is True
